// melgrad split: step 3 of the experiment — print what a split puts where.
#include <cstdio>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/splits.h"

namespace melgrad::cli {
namespace {

int cmd_split(const std::vector<std::string>& args) {
    Args a(args, "melgrad split");
    std::string data = a.option("--data", "");
    std::string name = a.option("--split", "paper");
    uint64_t seed = (uint64_t)a.long_option("--seed", 0, 0);
    a.finish_no_positional();
    if (data.empty()) throw UsageError("--data DATASET.mgd is required");
    gtzan::DatasetFile d(data);
    gtzan::Split s = gtzan::make_split(d, name, seed);
    std::printf("%s: %zu clips, %zu chunks%s\n%s\n", data.c_str(), d.clips().size(), d.chunks().size(),
                d.synthetic() ? " (SYNTHETIC)" : "", gtzan::describe_split(s).c_str());
    if (!s.missing.empty()) {
        std::printf("listed clips missing from the data (%zu):", s.missing.size());
        for (size_t i = 0; i < s.missing.size() && i < 20; i++) std::printf(" %s", s.missing[i].c_str());
        std::printf("%s\n", s.missing.size() > 20 ? " ..." : "");
    }
    return 0;
}

MELGRAD_COMMAND("split", "show how a split (paper, clip, fault-filtered, fma) divides a dataset",
                "usage: melgrad split --data DATASET.mgd [--split paper|clip|fault-filtered|fma] [--seed 0]\n\n"
                "paper: chunks shuffled then 70:20:10 train:test:validation (the paper's protocol: leaky);\n"
                "clip: clips split 70:20:10 per genre (honest); fault-filtered: Kereliuk et al.'s artist-filtered lists;\n"
                "fma: FMA's own training/validation/test column (a dataset preprocessed from an FMA folder).\n"
                "melgrad train --split uses the same code with the same seed.",
                cmd_split);

}  // namespace
}  // namespace melgrad::cli
