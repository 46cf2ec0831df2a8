// melgrad plot-curves / plot-confusion / report / images: the figures and report page of a run folder
// (runs/NAME/). The drawing lives in experiments/figures/; these are thin wrappers around run_figures.h.
#include <cstdio>
#include <string>
#include <vector>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/figures/report.h"
#include "experiments/figures/run_figures.h"
#include "experiments/paper.h"

namespace melgrad::cli {
namespace {

// The one positional argument (a folder); usage error otherwise.
std::string one_folder(Args& a, const std::string& what) {
    const auto& rest = a.finish();
    if (rest.size() != 1)
        throw UsageError("expected one " + what + ", got " + std::to_string(rest.size()) + " arguments");
    return rest[0];
}

void print_paths(const std::vector<std::string>& paths) {
    for (const auto& p : paths) std::printf("wrote %s\n", p.c_str());
}

int cmd_plot_curves(const std::vector<std::string>& args) {
    Args a(args, "melgrad plot-curves");
    print_paths(figures::plot_curves(one_folder(a, "run folder")));
    return 0;
}

int cmd_plot_confusion(const std::vector<std::string>& args) {
    Args a(args, "melgrad plot-confusion");
    print_paths(figures::plot_confusion(one_folder(a, "run folder")));
    return 0;
}

int cmd_report(const std::vector<std::string>& args) {
    Args a(args, "melgrad report");
    print_paths({figures::write_report(one_folder(a, "run folder"))});
    return 0;
}

int cmd_images(const std::vector<std::string>& args) {
    Args a(args, "melgrad images");
    const bool latest = a.flag("--latest");
    std::string dir = one_folder(a, latest ? "folder of runs" : "run folder");
    if (latest) {
        dir = figures::latest_run_dir(dir);
        std::printf("latest run: %s\n", dir.c_str());
    }
    std::vector<std::string> log;
    figures::make_run_images(dir, &log);
    for (const auto& line : log) std::printf("%s\n", line.c_str());
    return 0;
}

MELGRAD_COMMAND("plot-curves", "accuracy and loss per epoch of a run (PNG + SVG)",
                ("usage: melgrad plot-curves runs/NAME\n\n"
                 "Reads runs/NAME/metrics.csv (epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds) and writes\n"
                 "runs/NAME/figures/accuracy.png, accuracy.svg, loss.png and loss.svg: train vs validation, with\n"
                 "the paper's " + paper_percent(kPaper.train_accuracy) + " train / " +
                 paper_percent(kPaper.test_accuracy) + " test accuracy as dashed lines.").c_str(),  // copied at once
                cmd_plot_curves);
MELGRAD_COMMAND("plot-confusion", "the confusion matrix of a run as a labelled heat map",
                "usage: melgrad plot-confusion runs/NAME\n\n"
                "Reads runs/NAME/confusion.csv (a header of genre names, then per true genre: name, counts) and\n"
                "writes runs/NAME/figures/confusion.png.",
                cmd_plot_confusion);
MELGRAD_COMMAND("report", "one self-contained HTML page about a run",
                "usage: melgrad report runs/NAME\n\n"
                "Writes runs/NAME/report.html: the data's provenance (real GTZAN or synthetic), the metrics\n"
                "beside the paper's, settings.txt, eval.json, every epoch, and every runs/NAME/figures/*.png\n"
                "embedded in the page (base64), so it opens anywhere on its own.",
                cmd_report);
MELGRAD_COMMAND("images", "all figures and the report of a run (make images)",
                "usage: melgrad images runs/NAME\n       melgrad images --latest runs\n\n"
                "Runs plot-curves (if metrics.csv exists), plot-confusion (if confusion.csv exists) and report\n"
                "for one run folder, or with --latest for the most recently modified folder under runs/.",
                cmd_images);

}  // namespace
}  // namespace melgrad::cli
