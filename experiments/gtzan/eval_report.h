// melgrad eval: a trained run's accuracy on train / validation / test, at chunk and clip level, beside the
// paper's numbers; confusion matrices and per-genre precision / recall / F1 written next to the run.
#pragma once
#include <string>

#include "experiments/gtzan/eval_results.h"

namespace melgrad::gtzan {

struct EvalOptions {
    std::string run;          // runs/NAME
    std::string data;         // override the dataset path stored in the checkpoint
    std::string device = "auto";
    int threads = 0;
};

// Measures the run's best checkpoint and writes RUN/eval.json (the numbers, experiments/gtzan/eval_file.h),
// RUN/eval.txt (eval_table_text() of them), RUN/confusion.csv (test, chunk level), RUN/confusion_clip.csv
// (test, clip level) and RUN/per_genre.csv. Returns the numbers; it prints nothing.
EvalResults evaluate_run(const EvalOptions& options);

}  // namespace melgrad::gtzan
