// melgrad preprocess: step 2 of the experiment.
#include <cstdio>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/gtzan/class_names.h"
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
    o.scan.layout = a.option("--layout", "auto");
    o.scan.subset = a.option("--subset", "");
    const std::string classes = a.option("--classes", "");
    o.window.offset = a.double_option("--offset", 0);
    o.window.duration = a.double_option("--duration", 0);
    o.window.max_chunks = a.int_option("--max-chunks-per-clip", 0, 0, 1 << 20);
    const auto& rest = a.finish();
    if (rest.size() != 1)
        throw UsageError("give one dataset directory, e.g. melgrad preprocess data/gtzan -o dataset.mgd");
    if (o.scan.layout != "auto" && o.scan.layout != "gtzan" && o.scan.layout != "folders" && o.scan.layout != "fma")
        throw UsageError("--layout " + o.scan.layout + ": expected auto, gtzan, folders or fma");
    try {
        if (a.has("--classes")) o.scan.classes = gtzan::parse_class_list(classes);
        o.window.validate();
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
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

MELGRAD_COMMAND("preprocess", "GTZAN or a folder per class -> dataset file of 1x128x128 mel chunks (all cores)",
                "usage: melgrad preprocess DIR -o DATASET.mgd [--layout auto|gtzan|folders|fma] [--classes a,b,c]\n"
                "                          [--subset small|medium|large]\n"
                "                          [--offset S] [--duration S] [--max-chunks-per-clip N]\n"
                "                          [--scale db|power] [--pad-mode constant|reflect] [--threads N] [--force]\n\n"
                "Layouts (auto-detected, or --layout): gtzan: genres/<g>/<g>.NNNNN.au (original) and\n"
                "genres_original/<g>/<g>.NNNNN.wav (Kaggle), with or without Data/; folders: DIR/<class>/**/<file>\n"
                "(.wav .au .mp3 .flac .ogg, any depth, any names), the classes the folder names, sorted, or the\n"
                "ones --classes lists, in its order; fma: fma_metadata/tracks.csv and fma_<subset>/NNN/NNNNNN.mp3,\n"
                "the classes the top-level genres, FMA's own split kept for train --split fma. Decodes each clip to 22050 Hz mono, keeps --duration seconds\n"
                "from --offset (default: all), computes the mel spectrogram (n_fft 2048, hop 512, 128 mels), scales\n"
                "it (db: power_to_db(ref=max) mapped to [0,1], the default; power: divided by its max) and cuts\n"
                "128-frame chunks, at most --max-chunks-per-clip of them, evenly spaced. Unreadable clips are listed\n"
                "and left out. Same inputs and settings: the existing file is reused (--force rebuilds).",
                cmd_preprocess);

}  // namespace
}  // namespace melgrad::cli
