// The self-contained report page of a run (see report.h).
#include "experiments/figures/report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "experiments/figures/curves.h"
#include "experiments/figures/run_files.h"

namespace fs = std::filesystem;

namespace melgrad::figures {
namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// "key = value" or "key: value" -> (key, value); false for other lines.
bool key_value(const std::string& line, std::string& key, std::string& value) {
    size_t p = line.find_first_of("=:");
    if (p == std::string::npos || p == 0) return false;
    key = lower(trim(line.substr(0, p)));
    value = trim(line.substr(p + 1));
    return !key.empty();
}

std::string percent(double v) {
    if (!std::isfinite(v)) return "&ndash;";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", v);
    return buf;
}

// The first number in `text` (a value such as "0.815", "81.5%" or "81.5 % (815/1000)").
bool first_number(const std::string& text, double& v) {
    for (size_t i = 0; i < text.size(); ++i)
        if (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && i + 1 < text.size())) {
            char* end = nullptr;
            v = std::strtod(text.c_str() + i, &end);
            if (end != text.c_str() + i) return true;
        }
    return false;
}

// A caption for the figures the project knows by name; others get their file name.
std::string caption_for(const std::string& stem) {
    struct Known { const char* prefix; const char* text; };
    static const Known known[] = {
        {"accuracy", "Accuracy per epoch, train (blue) vs validation (orange); dashed: the paper's 96% train and 82% "
                     "test. A widening gap between the two is over-fitting."},
        {"loss", "Cross-entropy loss per epoch, train vs validation. Validation loss rising while train loss falls "
                 "is over-fitting."},
        {"confusion", "Confusion matrix on the test set: rows are the true genres, columns the predictions. The "
                      "diagonal is what the network got right; bright cells off it are genres it mixes up."},
        {"spectrogram", "A mel spectrogram: time left to right, low frequencies at the bottom, loudness as colour "
                        "(dB)."},
        {"stft", "The linear-frequency STFT spectrogram the mel spectrogram is made from."},
        {"filterbank", "The mel filterbank: each row is one triangular filter over the STFT's frequency bins."},
        {"filters", "First conv layer's kernels (red positive, blue negative, white zero), drawn with low "
                    "frequencies at the bottom like the spectrogram."},
        {"featuremaps", "Activations of each conv block for one input chunk, one tile per channel."},
    };
    for (const Known& k : known)
        if (stem.rfind(k.prefix, 0) == 0) return k.text;
    return stem;
}

const char* kStyle = R"(
body { font-family: sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
.banner { padding: 0.8em 1em; border-radius: 6px; font-size: 1.15em; margin: 1em 0; }
.gtzan { background: #d8f0d8; border: 2px solid #3a8a3a; }
.synthetic { background: #fde3c4; border: 2px solid #d07a10; }
.unknown { background: #eee; border: 2px solid #888; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.7em; text-align: right; }
th { background: #f3f3f3; }
td:first-child, th:first-child { text-align: left; }
pre { background: #f6f6f6; padding: 0.7em; overflow-x: auto; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; margin-top: 0.3em; }
.missing { color: #a00; }
)";

}  // namespace

std::string base64_encode(const std::vector<std::uint8_t>& in) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {  // 3 bytes = 24 bits = four 6-bit digits
        const unsigned v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
        out += table[v >> 18], out += table[(v >> 12) & 63], out += table[(v >> 6) & 63], out += table[v & 63];
    }
    if (i + 1 == in.size()) {
        const unsigned v = in[i] << 16;
        out += table[v >> 18], out += table[(v >> 12) & 63], out += "==";
    } else if (i + 2 == in.size()) {
        const unsigned v = (in[i] << 16) | (in[i + 1] << 8);
        out += table[v >> 18], out += table[(v >> 12) & 63], out += table[(v >> 6) & 63], out += '=';
    }
    return out;
}

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

Provenance provenance_from_settings(const std::string& text) {
    std::istringstream in(text);
    std::string line, key, value;
    bool mentions_synthetic = false;
    while (std::getline(in, line)) {
        const std::string l = lower(line);
        mentions_synthetic |= l.find("synthetic") != std::string::npos;
        if (!key_value(line, key, value)) continue;
        if (key == "data" || key == "dataset" || key == "source" || key == "provenance") {
            const std::string v = lower(value);
            if (v.find("synth") != std::string::npos) return Provenance::synthetic;
            if (v.find("gtzan") != std::string::npos) return Provenance::gtzan;
        }
    }
    return mentions_synthetic ? Provenance::synthetic : Provenance::unknown;
}

std::string build_report_html(const std::string& run_dir) {
    if (!fs::is_directory(run_dir)) throw std::runtime_error(run_dir + ": not a folder (expected a run folder)");
    const fs::path dir(run_dir);
    std::string name = fs::absolute(dir).lexically_normal().filename().string();
    if (name.empty()) name = fs::absolute(dir).lexically_normal().parent_path().filename().string();
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>melgrad run "
      << html_escape(name) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
    h << "<h1>melgrad run <code>" << html_escape(name) << "</code></h1>\n";
    h << "<p>Music genre classification with a CNN on mel spectrograms, reproducing Ray et al., "
         "&ldquo;Music Genre Classification Using CNNs&rdquo;.</p>\n";

    // Provenance first: a number means nothing until you know what data it came from.
    const fs::path settings_path = dir / "settings.txt";
    const bool has_settings = fs::exists(settings_path);
    const std::string settings = has_settings ? read_text_file(settings_path.string()) : "";
    switch (has_settings ? provenance_from_settings(settings) : Provenance::unknown) {
        case Provenance::gtzan:
            h << "<div class=\"banner gtzan\" id=\"provenance\"><b>Data: real GTZAN</b> &mdash; the 1000 30-second "
                 "clips of 10 genres the paper used.</div>\n";
            break;
        case Provenance::synthetic:
            h << "<div class=\"banner synthetic\" id=\"provenance\"><b>Data: SYNTHETIC</b> &mdash; generated clips, "
                 "not GTZAN. These numbers show the pipeline works; they say nothing about real music and must not "
                 "be compared with the paper's.</div>\n";
            break;
        case Provenance::unknown:
            h << "<div class=\"banner unknown\" id=\"provenance\"><b>Data: unknown</b> &mdash; "
              << (has_settings ? "settings.txt does not say (add a line <code>data = gtzan</code> or "
                                 "<code>data = synthetic</code>)."
                               : "this run has no settings.txt.")
              << "</div>\n";
    }

    // Metrics beside the paper's.
    std::vector<EpochMetrics> metrics;
    std::string metrics_error;
    const fs::path metrics_path = dir / "metrics.csv";
    if (fs::exists(metrics_path)) {
        try {
            metrics = read_metrics_csv(metrics_path.string());
        } catch (const std::exception& e) {
            metrics_error = e.what();
        }
    }
    std::string eval_text;
    double test_acc = NAN, train_acc_eval = NAN;  // from eval.txt; train: measured in evaluation mode
    const fs::path eval_path = dir / "eval.txt";
    if (fs::exists(eval_path)) {
        eval_text = read_text_file(eval_path.string());
        std::istringstream in(eval_text);
        std::string line, key, value;
        while (std::getline(in, line)) {
            double v;
            if (!key_value(line, key, value) || !first_number(value, v)) continue;
            const double pct = (v <= 1.0 && value.find('%') == std::string::npos) ? v * 100 : v;
            if (key == "train_accuracy") train_acc_eval = pct;
            else if (std::isnan(test_acc) && key.find("test") != std::string::npos && key.find("acc") != std::string::npos)
                test_acc = pct;
        }
    }
    h << "<h2>Results beside the paper's</h2>\n<table id=\"metrics\">\n"
         "<tr><th></th><th>this run</th><th>paper (Ray et al.)</th></tr>\n";
    if (!metrics.empty()) {
        const double f = accuracy_percent_factor(metrics);
        const EpochMetrics& last = metrics.back();
        const EpochMetrics* best = &metrics[0];  // highest validation accuracy (NaN = not measured)
        for (const auto& m : metrics)
            if (!std::isnan(m.val_acc) && (std::isnan(best->val_acc) || m.val_acc > best->val_acc)) best = &m;
        double total_s = 0;
        for (const auto& m : metrics) total_s += m.seconds;
        if (!std::isnan(train_acc_eval)) {
            // Comparable with the paper's: the trained model on the training chunks, dropout off.
            h << "<tr><td>train accuracy (eval.txt: best checkpoint, dropout off)</td><td>" << percent(train_acc_eval)
              << "</td><td>" << percent(kPaperTrainAccuracy) << "</td></tr>\n";
            h << "<tr><td>train accuracy while training (last epoch " << last.epoch << ", dropout on)</td><td>"
              << percent(last.train_acc * f) << "</td><td>&ndash;</td></tr>\n";
        } else {
            h << "<tr><td>train accuracy (last epoch, " << last.epoch << ")</td><td>" << percent(last.train_acc * f)
              << "</td><td>" << percent(kPaperTrainAccuracy) << "</td></tr>\n";
        }
        h << "<tr><td>validation accuracy (last epoch)</td><td>" << percent(last.val_acc * f)
          << "</td><td>&ndash;</td></tr>\n";
        h << "<tr><td>best validation accuracy (epoch " << best->epoch << ")</td><td>" << percent(best->val_acc * f)
          << "</td><td>&ndash;</td></tr>\n";
        h << "<tr><td>test accuracy" << (eval_text.empty() ? " (no eval.txt)" : "") << "</td><td>" << percent(test_acc)
          << "</td><td>" << percent(kPaperTestAccuracy) << "</td></tr>\n";
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f s (%.1f min)", total_s, total_s / 60);
        h << "<tr><td>epochs, training time</td><td>" << metrics.size() << ", " << buf
          << "</td><td>&ndash;</td></tr>\n";
    } else {
        h << "<tr><td>train accuracy</td><td class=\"missing\">"
          << (metrics_error.empty() ? "no metrics.csv" : html_escape(metrics_error)) << "</td><td>"
          << percent(kPaperTrainAccuracy) << "</td></tr>\n";
        h << "<tr><td>test accuracy</td><td>" << percent(test_acc) << "</td><td>" << percent(kPaperTestAccuracy)
          << "</td></tr>\n";
    }
    h << "</table>\n";

    // Every figure, embedded.
    std::vector<fs::path> pngs;
    const fs::path fig_dir = dir / "figures";
    if (fs::is_directory(fig_dir))
        for (const auto& e : fs::directory_iterator(fig_dir))
            if (e.is_regular_file() && e.path().extension() == ".png") pngs.push_back(e.path());
    // The story's order: how training went, what it got wrong, then what the network sees and learned.
    auto rank = [](const fs::path& p) {
        static const char* order[] = {"accuracy", "loss", "confusion", "spectrogram", "stft", "filterbank", "filters",
                                      "featuremaps"};
        const std::string stem = p.stem().string();
        for (size_t i = 0; i < sizeof order / sizeof *order; ++i)
            if (stem.rfind(order[i], 0) == 0) return static_cast<int>(i);
        return 100;
    };
    std::sort(pngs.begin(), pngs.end(), [&](const fs::path& a, const fs::path& b) {
        return rank(a) != rank(b) ? rank(a) < rank(b) : a.filename() < b.filename();
    });
    h << "<h2>Figures</h2>\n";
    if (pngs.empty()) h << "<p class=\"missing\">No figures in figures/ (run <code>melgrad images</code>).</p>\n";
    for (const fs::path& p : pngs) {
        const std::string bytes = read_text_file(p.string());
        const std::string stem = p.stem().string();
        h << "<figure id=\"fig-" << html_escape(stem) << "\">\n<img alt=\"" << html_escape(p.filename().string())
          << "\" src=\"data:image/png;base64," << base64_encode(std::vector<std::uint8_t>(bytes.begin(), bytes.end()))
          << "\">\n<figcaption><b>" << html_escape(p.filename().string()) << "</b> &mdash; "
          << html_escape(caption_for(stem)) << "</figcaption>\n</figure>\n";
    }

    h << "<h2>Settings</h2>\n";
    h << (has_settings ? "<pre id=\"settings\">" + html_escape(settings) + "</pre>\n"
                       : std::string("<p class=\"missing\">No settings.txt in this run.</p>\n"));
    if (!eval_text.empty()) h << "<h2>Evaluation (eval.txt)</h2>\n<pre>" << html_escape(eval_text) << "</pre>\n";
    if (!metrics.empty()) {
        h << "<h2>Every epoch (metrics.csv)</h2>\n<details><summary>" << metrics.size()
          << " epochs</summary>\n<table>\n<tr><th>epoch</th><th>train loss</th><th>train acc</th><th>val loss</th>"
             "<th>val acc</th><th>lr</th><th>seconds</th></tr>\n";
        for (const auto& m : metrics) {
            char row[400];
            std::snprintf(row, sizeof row,
                          "<tr><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%g</td><td>%.1f</td>"
                          "</tr>\n",
                          m.epoch, m.train_loss, m.train_acc, m.val_loss, m.val_acc, m.lr, m.seconds);
            h << row;
        }
        h << "</table>\n</details>\n";
    }
    h << "<p style=\"color:#888\">Written by <code>melgrad report</code>.</p>\n</body>\n</html>\n";
    return h.str();
}

std::string write_report(const std::string& run_dir) {
    const std::string html = build_report_html(run_dir);
    const std::string path = (fs::path(run_dir) / "report.html").string();
    std::ofstream out(path, std::ios::binary);
    if (!out || !(out << html)) throw std::runtime_error(path + ": cannot write the report");
    return path;
}

}  // namespace melgrad::figures
