// A run folder's figures and report (see run_figures.h).
#include "experiments/figures/run_figures.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "experiments/figures/confusion.h"
#include "experiments/figures/curves.h"
#include "experiments/figures/report.h"
#include "experiments/figures/run_files.h"
#include "framework/atomic_file.h"

namespace fs = std::filesystem;

namespace melgrad::figures {
namespace {

fs::path figures_dir(const std::string& run_dir) {
    if (!fs::is_directory(run_dir)) throw std::runtime_error(run_dir + ": not a folder (expected a run folder)");
    fs::path d = fs::path(run_dir) / "figures";
    fs::create_directories(d);
    return d;
}

void write_text(const fs::path& path, const std::string& text) {
    write_file_atomically(path.string(), text);  // checked writes, no partial file on a full disk
}

}  // namespace

std::vector<std::string> plot_curves(const std::string& run_dir) {
    const auto rows = read_metrics_csv((fs::path(run_dir) / "metrics.csv").string());
    const fs::path d = figures_dir(run_dir);
    std::vector<std::string> written;
    const std::pair<const char*, LineChart> charts[] = {{"accuracy", accuracy_chart(rows)}, {"loss", loss_chart(rows)}};
    for (const auto& [name, chart] : charts) {
        const fs::path png = d / (std::string(name) + ".png"), svg = d / (std::string(name) + ".svg");
        render_line_chart(chart).save_png(png.string());
        write_text(svg, line_chart_svg(chart));
        written.push_back(png.string());
        written.push_back(svg.string());
    }
    return written;
}

std::vector<std::string> plot_confusion(const std::string& run_dir) {
    const auto cm = read_confusion_csv((fs::path(run_dir) / "confusion.csv").string());
    const fs::path png = figures_dir(run_dir) / "confusion.png";
    render_confusion(cm, "confusion matrix (test set)").save_png(png.string());
    return {png.string()};
}

std::string latest_run_dir(const std::string& runs_root) {
    if (!fs::is_directory(runs_root))
        throw std::runtime_error(runs_root + ": no such folder (train first, e.g. make experiment-gtzan)");
    fs::path best;
    fs::file_time_type best_time{};
    for (const auto& e : fs::directory_iterator(runs_root)) {
        if (!e.is_directory()) continue;
        auto t = fs::last_write_time(e.path());
        std::error_code ec;
        for (const auto& f : fs::directory_iterator(e.path(), ec))
            if (f.is_regular_file()) t = std::max(t, fs::last_write_time(f.path()));
        if (best.empty() || t > best_time) best = e.path(), best_time = t;
    }
    if (best.empty())
        throw std::runtime_error(runs_root + ": no run folders in it (train first, e.g. make experiment-gtzan)");
    return best.string();
}

std::vector<std::string> make_run_images(const std::string& run_dir, std::vector<std::string>* log) {
    figures_dir(run_dir);  // checks the folder
    std::vector<std::string> written;
    auto note = [log](const std::string& line) {
        if (log) log->push_back(line);
    };
    auto add = [&](const std::vector<std::string>& paths) {
        for (const auto& p : paths) written.push_back(p), note("wrote " + p);
    };
    const fs::path run(run_dir);
    if (fs::exists(run / "metrics.csv")) add(plot_curves(run_dir));
    else note("skipped the curves: no " + (run / "metrics.csv").string());
    if (fs::exists(run / "confusion.csv")) add(plot_confusion(run_dir));
    else note("skipped the confusion matrix: no " + (run / "confusion.csv").string());
    add({write_report(run_dir)});
    return written;
}

}  // namespace melgrad::figures
