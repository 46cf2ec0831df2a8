// melgrad eval: a trained run's accuracy on train / validation / test, at chunk and clip level, beside the
// paper's numbers; confusion matrices and per-genre precision / recall / F1 written next to the run.
#pragma once
#include <string>

namespace melgrad::gtzan {

struct EvalOptions {
    std::string run;          // runs/NAME
    std::string data;         // override the dataset path stored in the checkpoint
    std::string device = "auto";
    int threads = 0;
};

// Prints the table and writes RUN/eval.txt, RUN/confusion.csv (test, chunk level), RUN/confusion_clip.csv
// (test, clip level) and RUN/per_genre.csv. Returns the table text.
std::string evaluate_run(const EvalOptions& options);

}  // namespace melgrad::gtzan
