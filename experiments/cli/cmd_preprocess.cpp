// melgrad preprocess: step 2 of the experiment.
#include <cstdio>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/gtzan/preprocess.h"

namespace melgrad::cli {
namespace {

int cmd_preprocess(const std::vector<std::string>& args) {
    Args a(args, "melgrad preprocess");
    gtzan::PreprocessOptions o;
    o.out = a.option("-o", "--out", "");
    o.features.scale = a.option("--scale", o.features.scale);
    o.features.pad_mode = a.option("--pad-mode", o.features.pad_mode);
    o.threads = a.int_option("--threads", 0, 0, 1 << 16);
    o.force = a.flag("--force");
    const auto& rest = a.finish();
    if (rest.size() != 1) throw UsageError("give one GTZAN directory, e.g. melgrad preprocess data/gtzan -o dataset.mgd");
    if (o.out.empty()) throw UsageError("-o DATASET.mgd is required");
    o.dir = rest[0];
    gtzan::PreprocessResult r = gtzan::preprocess(o);
    for (auto& f : r.failed) std::fprintf(stderr, "skipped (unreadable): %s\n", f.c_str());
    if (!r.reused)
        std::printf("%s: %zu of %zu clips -> %zu chunks in %.1f s (%.0f clips/s)%s\n", o.out.c_str(), r.clips_used,
                    r.clips_found, r.chunks, r.seconds, r.clips_found / (r.seconds > 0 ? r.seconds : 1),
                    r.synthetic ? " [SYNTHETIC data]" : "");
    else
        std::printf("%s: reused (%zu clips, %zu chunks)\n", o.out.c_str(), r.clips_used, r.chunks);
    return 0;
}

MELGRAD_COMMAND("preprocess", "GTZAN folder -> dataset file of 1x128x128 mel chunks (all cores)",
                "usage: melgrad preprocess GTZAN_DIR -o DATASET.mgd [--scale db|power] [--pad-mode constant|reflect]\n"
                "                          [--threads N] [--force]\n\n"
                "Accepts genres/<g>/<g>.NNNNN.au (original) and genres_original/<g>/<g>.NNNNN.wav (Kaggle), with or\n"
                "without Data/. Decodes each clip to 22050 Hz mono, computes the mel spectrogram (n_fft 2048, hop 512,\n"
                "128 mels), scales it (db: power_to_db(ref=max) mapped to [0,1], the default; power: divided by its max)\n"
                "and cuts 128-frame chunks. Unreadable clips are listed and left out. Same inputs and settings: the\n"
                "existing file is reused (--force rebuilds).",
                cmd_preprocess);

}  // namespace
}  // namespace melgrad::cli
