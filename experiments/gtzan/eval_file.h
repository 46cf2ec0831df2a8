// runs/NAME/eval.json: melgrad eval's numbers as data (EvalResults, experiments/gtzan/eval_results.h).
//   {
//     "format": "melgrad-eval", "version": 1,
//     "run": "runs/x", "model": "paper-cnn", "epoch": 12, "split": "clip", "split_description": "...",
//     "data": "data/gtzan.mgd", "synthetic": false,
//     "parts": [
//       {"name": "train", "chunks": 7000, "clips": 700, "chunk_accuracy": 0.963, "clip_accuracy": 0.965,
//        "loss": 0.108}, ...                                     (accuracies are fractions; a NaN loss is null)
//     ],
//     "test_per_genre": [{"genre": "blues", "precision": 0.9, "recall": 0.85, "f1": 0.87, "support": 200}, ...]
//   }
// Numbers are written so that they read back as the same doubles: a read file equals what was written.
#pragma once
#include <string>

#include "experiments/gtzan/eval_results.h"

namespace melgrad::gtzan {

constexpr const char* kEvalJsonFile = "eval.json";  // the data
constexpr const char* kEvalTextFile = "eval.txt";   // the printed table, for people; never read back
constexpr int kEvalFormatVersion = 1;

std::string eval_json_text(const EvalResults& r);
// Throws std::runtime_error naming `source` when the text is not JSON or a field is missing or mistyped.
EvalResults parse_eval_json(const std::string& text, const std::string& source);

EvalResults read_eval_json(const std::string& path);
// RUN/eval.json and RUN/eval.txt (eval_table_text()), each written atomically.
void write_eval_files(const std::string& run_dir, const EvalResults& r);

}  // namespace melgrad::gtzan
