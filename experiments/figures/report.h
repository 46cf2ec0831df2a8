// runs/NAME/report.html: one self-contained page about a run — the data's provenance (real GTZAN or
// synthetic, shown in a coloured banner), the metrics beside the paper's (kPaper, experiments/paper.h), the
// settings, and every figure in runs/NAME/figures/*.png embedded as a base64 data: URI, so the page can be
// mailed or opened anywhere without its folder.
//
// What it reads (each optional; the page says what was missing):
//   settings.txt  free text; lines "key = value" or "key: value". A key data / dataset / source /
//                 provenance whose value mentions "gtzan" or "synth" decides the provenance; failing that,
//                 any mention of "synthetic" marks the run synthetic.
//   metrics.csv   see run_files.h; the last and best epochs are summarised, all epochs listed.
//   eval.json     melgrad eval's numbers (experiments/gtzan/eval_file.h): train and test accuracy beside
//                 the paper's, and the eval table generated again from them. A run evaluated by an older
//                 melgrad has only eval.txt: it is shown as it is, never parsed, with a note to run
//                 `melgrad eval RUN` again; a damaged eval.json is named with what is wrong in it.
//   figures/*.png in name order.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiments/gtzan/eval_results.h"

namespace melgrad::figures {

enum class Provenance { gtzan, synthetic, own, unknown };  // own: a folder per class or FMA (melgrad preprocess)

std::string base64_encode(const std::vector<std::uint8_t>& bytes);
std::string html_escape(const std::string& text);
Provenance provenance_from_settings(const std::string& settings_text);

// What the report knows of a run's evaluation: its numbers, or why there are none.
struct RunEvaluation {
    std::optional<gtzan::EvalResults> results;  // read from run_dir/eval.json
    std::string problem;                        // when no results: what is wrong and what to run
    std::string old_text;                       // an older melgrad's eval.txt (no eval.json), shown as is
};
RunEvaluation read_run_evaluation(const std::string& run_dir);

// The page's HTML for the run folder `run_dir`; throws std::runtime_error if run_dir is not a folder.
std::string build_report_html(const std::string& run_dir);
// Writes run_dir/report.html and returns its path.
std::string write_report(const std::string& run_dir);

}  // namespace melgrad::figures
