// melgrad eval: step 5 of the experiment.
#include <cstdio>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/gtzan/eval_report.h"
#include "experiments/paper.h"

namespace melgrad::cli {
namespace {

int cmd_eval(const std::vector<std::string>& args) {
    Args a(args, "melgrad eval");
    gtzan::EvalOptions o;
    o.data = a.option("--data", "");
    o.device = a.option("--device", o.device);
    o.threads = a.int_option("--threads", 0, 0, 1 << 16);
    const auto& rest = a.finish();
    if (rest.size() != 1) throw UsageError("give one run directory, e.g. melgrad eval runs/paper-cnn");
    o.run = rest[0];
    std::fputs(gtzan::eval_table_text(gtzan::evaluate_run(o)).c_str(), stdout);
    return 0;
}

const std::string kUsage =
    "usage: melgrad eval runs/NAME [--data DATASET.mgd] [--device auto|cpu|cuda] [--threads N]\n\n"
    "Loads runs/NAME/model.ckpt (the best epoch on validation), rebuilds the run's split, and prints\n"
    "chunk accuracy and clip accuracy (mean of a clip's chunk probabilities) beside the paper's " +
    paper_percent(kPaper.train_accuracy) + " / " + paper_percent(kPaper.test_accuracy) + ".\n"
    "Writes eval.json (the numbers, as data), eval.txt (the printed table), confusion.csv,\n"
    "confusion_clip.csv and per_genre.csv into the run directory.";

MELGRAD_COMMAND("eval", "accuracy of a trained run on train/val/test (chunk and clip level), confusion, F1",
                kUsage.c_str(), cmd_eval);

}  // namespace
}  // namespace melgrad::cli
