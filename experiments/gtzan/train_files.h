// The text files of a run folder that `melgrad train` writes beside its checkpoints:
//   settings.txt  how the run was made (first line: the data's provenance, read by the report page)
//   model.txt     the model's text (framework/model_text.h)
//   metrics.csv   one row per epoch: epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds
#pragma once
#include <filesystem>
#include <string>

#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/splits.h"
#include "framework/checkpoint.h"
#include "framework/tensor.h"

namespace melgrad::gtzan {

// Writes `text` to `path`; throws std::runtime_error naming the file when it cannot.
void write_text(const std::filesystem::path& path, const std::string& text);

// settings.txt: the provenance line, the run's metadata (without the model text), device, threads, the
// data-parallel lines (ranks=, sync_bn=, bucket_mb=), split.
void write_settings(const std::filesystem::path& path, const DatasetFile& data, const Metadata& run_meta,
                    Device device, const Split& split, const std::string& data_parallel);

// One row of metrics.csv.
struct EpochRow {
    int epoch = 0;  // 1-based
    double train_loss = 0, train_acc = 0, val_loss = 0, val_acc = 0;
    double lr = 0;
    double seconds = 0;  // wall time of the epoch's training (without validation)
};

void start_metrics(const std::filesystem::path& path);                 // the header line alone
void append_metrics_row(const std::filesystem::path& path, const EpochRow& row);
// Keeps the header and the first `rows` epochs (a resumed run rewrites what came after its checkpoint).
void keep_metrics_rows(const std::filesystem::path& path, int rows);

// printf-formats one number ("%.6f" by default).
std::string fmt(double v, const char* format = "%.6f");

}  // namespace melgrad::gtzan
