// runs/NAME/report.html: one self-contained page about a run — the data's provenance (real GTZAN or
// synthetic, shown in a coloured banner), the metrics beside the paper's (96% train / 82% test), the
// settings, and every figure in runs/NAME/figures/*.png embedded as a base64 data: URI, so the page can be
// mailed or opened anywhere without its folder.
//
// What it reads (each optional; the page says what was missing):
//   settings.txt  free text; lines "key = value" or "key: value". A key data / dataset / source /
//                 provenance whose value mentions "gtzan" or "synth" decides the provenance; failing that,
//                 any mention of "synthetic" marks the run synthetic.
//   metrics.csv   see run_files.h; the last and best epochs are summarised, all epochs listed.
//   eval.txt      free text shown as is; a "key: value" line whose key mentions test and acc(uracy) gives
//                 the test accuracy compared with the paper's.
//   figures/*.png in name order.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace melgrad::figures {

enum class Provenance { gtzan, synthetic, unknown };

std::string base64_encode(const std::vector<std::uint8_t>& bytes);
std::string html_escape(const std::string& text);
Provenance provenance_from_settings(const std::string& settings_text);

// The page's HTML for the run folder `run_dir`; throws std::runtime_error if run_dir is not a folder.
std::string build_report_html(const std::string& run_dir);
// Writes run_dir/report.html and returns its path.
std::string write_report(const std::string& run_dir);

}  // namespace melgrad::figures
