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
#include "experiments/gtzan/eval_file.h"
#include "experiments/paper.h"
#include "framework/atomic_file.h"

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

// A caption for the figures the project knows by name; others get their file name.
std::string caption_for(const std::string& stem) {
    struct Known { const char* prefix; const char* text; };
    static const Known known[] = {
        {"accuracy", "Accuracy per epoch, train (blue) vs validation (orange); dashed: the paper's train and test "
                     "accuracy. A widening gap between the two is over-fitting."},
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
        {"explain", "What the model listens to in one clip of this genre (melgrad explain): saliency, the size of "
                    "d score / d input, and Grad-CAM, the last conv block's maps weighted by their gradient, laid "
                    "over the mel spectrogram; the chunk's top genres above it."},
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
            // "folders (/path)", "fma (/path)": not GTZAN, whatever the path says
            if (v.rfind("folders", 0) == 0 || v.rfind("fma", 0) == 0) return Provenance::own;
            if (v.find("synth") != std::string::npos) return Provenance::synthetic;
            if (v.find("gtzan") != std::string::npos) return Provenance::gtzan;
        }
    }
    return mentions_synthetic ? Provenance::synthetic : Provenance::unknown;
}

namespace {

std::string page_start(const std::string& name) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>melgrad run " +
           html_escape(name) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" +
           "<h1>melgrad run <code>" + html_escape(name) + "</code></h1>\n" +
           "<p>Music genre classification with a CNN on mel spectrograms, reproducing Ray et al., "
           "&ldquo;Music Genre Classification Using CNNs&rdquo;.</p>\n";
}

// Provenance first: a number means nothing until you know what data it came from.
std::string provenance_banner(bool has_settings, const std::string& settings) {
    switch (has_settings ? provenance_from_settings(settings) : Provenance::unknown) {
        case Provenance::gtzan:
            return "<div class=\"banner gtzan\" id=\"provenance\"><b>Data: real GTZAN</b> &mdash; the 1000 "
                   "30-second clips of 10 genres the paper used.</div>\n";
        case Provenance::own:
            return "<div class=\"banner unknown\" id=\"provenance\"><b>Data: not GTZAN</b> &mdash; your own "
                   "classes (one folder per class) or FMA, as settings.txt says: the paper's figures are for GTZAN "
                   "and say nothing about these numbers.</div>\n";
        case Provenance::synthetic:
            return "<div class=\"banner synthetic\" id=\"provenance\"><b>Data: SYNTHETIC</b> &mdash; generated "
                   "clips, not GTZAN. These numbers show the pipeline works; they say nothing about real music and "
                   "must not be compared with the paper's.</div>\n";
        default:
            return std::string("<div class=\"banner unknown\" id=\"provenance\"><b>Data: unknown</b> &mdash; ") +
                   (has_settings ? "settings.txt does not say (add a line <code>data = gtzan</code> or "
                                   "<code>data = synthetic</code>)."
                                 : "this run has no settings.txt.") +
                   "</div>\n";
    }
}

std::string row(const std::string& what, const std::string& ours, const std::string& paper) {
    return "<tr><td>" + what + "</td><td>" + ours + "</td><td>" + paper + "</td></tr>\n";
}

// A percent from eval.json's fraction, or the reason there is none, in red.
std::string eval_cell(const RunEvaluation& eval, const char* part, bool clip = false) {
    const gtzan::PartScores* p = eval.results ? eval.results->part(part) : nullptr;
    if (p) return percent(100 * (clip ? p->clip_accuracy : p->chunk_accuracy));
    const std::string why = eval.results ? std::string("eval.json has no ") + part + " part" : eval.problem;
    return "<span class=\"missing\">" + html_escape(why) + "</span>";
}

std::string results_table(const std::vector<EpochMetrics>& metrics, const std::string& metrics_error,
                          const RunEvaluation& eval) {
    const std::string paper_train = percent(kPaper.train_accuracy), paper_test = percent(kPaper.test_accuracy);
    std::string h = "<h2>Results beside the paper's</h2>\n<table id=\"metrics\">\n"
                    "<tr><th></th><th>this run</th><th>paper (Ray et al.)</th></tr>\n";
    const bool eval_train = eval.results && eval.results->part("train");
    if (eval_train)  // comparable with the paper's: the trained model on the training chunks, dropout off
        h += row("train accuracy (eval.json: best checkpoint, dropout off)", eval_cell(eval, "train"), paper_train);
    if (!metrics.empty()) {
        const double f = accuracy_percent_factor(metrics);
        const EpochMetrics& last = metrics.back();
        const EpochMetrics* best = &metrics[0];  // highest validation accuracy (NaN = not measured)
        for (const auto& m : metrics)
            if (!std::isnan(m.val_acc) && (std::isnan(best->val_acc) || m.val_acc > best->val_acc)) best = &m;
        double total_s = 0;
        for (const auto& m : metrics) total_s += m.seconds;
        const std::string last_epoch = std::to_string(last.epoch);
        h += eval_train ? row("train accuracy while training (last epoch " + last_epoch + ", dropout on)",
                              percent(last.train_acc * f), "&ndash;")
                        : row("train accuracy (last epoch, " + last_epoch + ")", percent(last.train_acc * f),
                              paper_train);
        h += row("validation accuracy (last epoch)", percent(last.val_acc * f), "&ndash;");
        h += row("best validation accuracy (epoch " + std::to_string(best->epoch) + ")", percent(best->val_acc * f),
                 "&ndash;");
        h += row("test accuracy (chunks)", eval_cell(eval, "test"), paper_test);
        h += row("test accuracy (clips: mean of their chunks)", eval_cell(eval, "test", true), "&ndash;");
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f s (%.1f min)", total_s, total_s / 60);
        h += row("epochs, training time", std::to_string(metrics.size()) + ", " + buf, "&ndash;");
    } else {
        if (!eval_train)
            h += row("train accuracy", "<span class=\"missing\">" +
                                           (metrics_error.empty() ? "no metrics.csv" : html_escape(metrics_error)) +
                                           "</span>",
                     paper_train);
        h += row("test accuracy (chunks)", eval_cell(eval, "test"), paper_test);
    }
    return h + "</table>\n";
}

std::string figures_section(const fs::path& dir) {
    std::vector<fs::path> pngs;
    const fs::path fig_dir = dir / "figures";
    if (fs::is_directory(fig_dir))
        for (const auto& e : fs::directory_iterator(fig_dir))
            if (e.is_regular_file() && e.path().extension() == ".png") pngs.push_back(e.path());
    // The story's order: how training went, what it got wrong, then what the network sees and learned.
    auto rank = [](const fs::path& p) {
        static const char* order[] = {"accuracy", "loss", "confusion", "spectrogram", "stft", "filterbank", "filters",
                                      "featuremaps", "explain"};
        const std::string stem = p.stem().string();
        for (size_t i = 0; i < sizeof order / sizeof *order; ++i)
            if (stem.rfind(order[i], 0) == 0) return static_cast<int>(i);
        return 100;
    };
    std::sort(pngs.begin(), pngs.end(), [&](const fs::path& a, const fs::path& b) {
        return rank(a) != rank(b) ? rank(a) < rank(b) : a.filename() < b.filename();
    });
    std::ostringstream h;
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
    if (std::none_of(pngs.begin(), pngs.end(), [](const fs::path& p) { return p.stem().string().rfind("explain", 0) == 0; }))
        h << "<p class=\"missing\" id=\"explain-missing\">No explained clips (figures/explain_GENRE.png): "
             "<code>make images</code> explains one clip per genre when the run has a model.ckpt and its data "
             "folder is found; or run <code>melgrad explain</code> yourself.</p>\n";
    return h.str();
}

// The table melgrad eval printed, generated again from eval.json; an older run's eval.txt is shown as it
// is (never parsed), with what to do about it.
std::string evaluation_section(const RunEvaluation& eval) {
    if (eval.results)
        return "<h2>Evaluation (eval.json)</h2>\n<pre id=\"evaluation\">" +
               html_escape(gtzan::eval_table_text(*eval.results)) + "</pre>\n";
    std::string h = "<h2>Evaluation</h2>\n<p class=\"missing\" id=\"evaluation\">" + html_escape(eval.problem) +
                    "</p>\n";
    if (!eval.old_text.empty()) h += "<pre>" + html_escape(eval.old_text) + "</pre>\n";
    return h;
}

std::string epochs_section(const std::vector<EpochMetrics>& metrics) {
    if (metrics.empty()) return "";
    std::string h = "<h2>Every epoch (metrics.csv)</h2>\n<details><summary>" + std::to_string(metrics.size()) +
                    " epochs</summary>\n<table>\n<tr><th>epoch</th><th>train loss</th><th>train acc</th><th>val "
                    "loss</th><th>val acc</th><th>lr</th><th>seconds</th></tr>\n";
    for (const auto& m : metrics) {
        char line[400];
        std::snprintf(line, sizeof line,
                      "<tr><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%g</td><td>%.1f</td>"
                      "</tr>\n",
                      m.epoch, m.train_loss, m.train_acc, m.val_loss, m.val_acc, m.lr, m.seconds);
        h += line;
    }
    return h + "</table>\n</details>\n";
}

}  // namespace

RunEvaluation read_run_evaluation(const std::string& run_dir) {
    RunEvaluation eval;
    const fs::path json = fs::path(run_dir) / gtzan::kEvalJsonFile, text = fs::path(run_dir) / gtzan::kEvalTextFile;
    const std::string again = "run `melgrad eval " + run_dir + "`";
    if (fs::exists(json)) {
        try {
            eval.results = gtzan::read_eval_json(json.string());
        } catch (const std::exception& e) {
            eval.problem = std::string(e.what()) + " (" + again + " again)";
        }
    } else if (fs::exists(text)) {
        eval.problem = text.string() + " was written by an older melgrad and is not read: " + again +
                       " again to write " + gtzan::kEvalJsonFile + ".";
        eval.old_text = read_text_file(text.string());
    } else {
        eval.problem = "not evaluated: no " + json.string() + " (" + again + ")";
    }
    return eval;
}

std::string build_report_html(const std::string& run_dir) {
    if (!fs::is_directory(run_dir)) throw std::runtime_error(run_dir + ": not a folder (expected a run folder)");
    const fs::path dir(run_dir);
    std::string name = fs::absolute(dir).lexically_normal().filename().string();
    if (name.empty()) name = fs::absolute(dir).lexically_normal().parent_path().filename().string();
    const fs::path settings_path = dir / "settings.txt";
    const bool has_settings = fs::exists(settings_path);
    const std::string settings = has_settings ? read_text_file(settings_path.string()) : "";
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
    const RunEvaluation eval = read_run_evaluation(run_dir);

    std::string h = page_start(name) + provenance_banner(has_settings, settings);
    h += results_table(metrics, metrics_error, eval);
    h += figures_section(dir);
    h += "<h2>Settings</h2>\n";
    h += has_settings ? "<pre id=\"settings\">" + html_escape(settings) + "</pre>\n"
                      : std::string("<p class=\"missing\">No settings.txt in this run.</p>\n");
    h += evaluation_section(eval) + epochs_section(metrics);
    return h + "<p style=\"color:#888\">Written by <code>melgrad report</code>.</p>\n</body>\n</html>\n";
}

std::string write_report(const std::string& run_dir) {
    const std::string html = build_report_html(run_dir);
    const std::string path = (fs::path(run_dir) / "report.html").string();
    write_file_atomically(path, html);  // checked writes; a full disk leaves no half report
    return path;
}

}  // namespace melgrad::figures
