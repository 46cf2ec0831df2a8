// melgrad demo-figures DIR: a complete made-up run folder (settings, metrics, confusion, eval, spectrogram,
// filters, feature maps, report), to see every figure before a real run exists. Marked synthetic throughout.
#include <cstdio>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/figures/demo.h"
#include "experiments/figures/run_figures.h"

namespace melgrad::cli {
namespace {

int cmd_demo_figures(const std::vector<std::string>& args) {
    Args a(args, "melgrad demo-figures");
    const auto& rest = a.finish();
    if (rest.size() != 1) throw UsageError("expected one output folder, e.g. runs/demo");
    for (const auto& p : figures::write_demo_run(rest[0])) std::printf("wrote %s\n", p.c_str());
    std::vector<std::string> log;
    figures::make_run_images(rest[0], &log);
    for (const auto& line : log) std::printf("%s\n", line.c_str());
    return 0;
}

MELGRAD_COMMAND("demo-figures", "a made-up run folder with every figure and the report (no training)",
                "usage: melgrad demo-figures DIR\n\n"
                "Writes DIR/settings.txt (data = synthetic), metrics.csv, confusion.csv, eval.json, made-up\n"
                "spectrogram / filters / feature map pictures, then every figure and DIR/report.html, as\n"
                "`melgrad images DIR` would. Nothing is trained and no audio is read: for seeing the figures.",
                cmd_demo_figures);

}  // namespace
}  // namespace melgrad::cli
