// Reading a run folder's plain-text results (written by the trainer and the evaluator):
//   metrics.csv    epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds   (one row per epoch)
//   confusion.csv  a header of genre names, then one row per true genre: its name, then the counts
//                  predicted as each genre (same order as the header)
// Errors name the file, the line and the problem.
#pragma once
#include <string>
#include <vector>

#include "experiments/figures/confusion.h"

namespace melgrad::figures {

struct EpochMetrics {
    int epoch = 0;
    double train_loss = 0, train_acc = 0, val_loss = 0, val_acc = 0, lr = 0, seconds = 0;
};

// Columns are found by name (any order; extra columns are ignored); every value must be a number
// ("nan" is accepted for an epoch without validation).
std::vector<EpochMetrics> read_metrics_csv(const std::string& path);

ConfusionMatrix read_confusion_csv(const std::string& path);

// The whole file as a string; throws std::runtime_error naming the path when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace melgrad::figures
