// The training curves of a run (paper Figs. 5 and 6): accuracy and loss per epoch, train vs validation,
// built from metrics.csv rows. Accuracy is shown in percent, with the paper's train and test accuracy
// (kPaper, experiments/paper.h) as dashed reference lines.
#pragma once
#include <vector>

#include "experiments/figures/line_chart.h"
#include "experiments/figures/run_files.h"

namespace melgrad::figures {

// Accuracies written as fractions (every value <= 1) are scaled to percent; percent stays percent.
double accuracy_percent_factor(const std::vector<EpochMetrics>& rows);
LineChart accuracy_chart(const std::vector<EpochMetrics>& rows);
LineChart loss_chart(const std::vector<EpochMetrics>& rows);

}  // namespace melgrad::figures
