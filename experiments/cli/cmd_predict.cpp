// melgrad predict: step 6 of the experiment.
#include <cstdio>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/gtzan/predict.h"
#include "framework/backend.h"
#include "framework/device_choice.h"

namespace melgrad::cli {
namespace {

int cmd_predict(const std::vector<std::string>& args) {
    Args a(args, "melgrad predict");
    bool timeline = a.flag("--timeline");
    bool timing = a.flag("--timing");
    std::string device = a.option("--device", "cpu");
    int threads = a.int_option("--threads", 1, 0, 1 << 16);
    const int k = a.int_option("--top-k", 3, 1, 1 << 16);  // more than the classes: all of them
    const auto& rest = a.finish();
    if (rest.size() < 2) throw UsageError("give a checkpoint and at least one song, e.g. melgrad predict runs/x/model.ckpt song.mp3");
    set_num_threads(threads);
    gtzan::GenrePredictor predictor(rest[0], device);
    if (predictor.trained_on_synthetic())
        std::printf("note: this model was trained on the SYNTHETIC stand-in, not on GTZAN\n");
    int failures = 0;
    for (size_t i = 1; i < rest.size(); i++) {
        gtzan::GenrePredictor::SongPrediction p;
        try {
            p = predictor.predict_file(rest[i]);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "melgrad predict: error: %s\n", e.what());
            failures++;
            continue;
        }
        std::printf("%s (%.1f s, %zu chunks):", p.path.c_str(), p.seconds_of_audio, p.chunk_probs.size());
        for (int g : gtzan::top_k(p.probs, k)) std::printf("  %s %.1f%%", predictor.genres()[g].c_str(), 100 * p.probs[g]);
        std::printf("\n");
        if (timing)
            std::printf("  time: decode+mel+chunks %.1f ms, model %.1f ms, total %.1f ms\n", p.features_ms,
                        p.model_ms, p.features_ms + p.model_ms);
        if (timeline)
            for (size_t c = 0; c < p.chunk_probs.size(); c++) {
                std::printf("  %6.1f-%6.1f s", c * p.chunk_seconds, (c + 1) * p.chunk_seconds);
                for (int g : gtzan::top_k(p.chunk_probs[c], k))
                    std::printf("  %s %.0f%%", predictor.genres()[g].c_str(), 100 * p.chunk_probs[c][g]);
                std::printf("\n");
            }
    }
    return failures ? 1 : 0;
}

MELGRAD_COMMAND("predict", "top-3 genres (classes) of songs (any format, any length), optionally per 3-s segment",
                "usage: melgrad predict CHECKPOINT SONG... [--top-k 3] [--timeline] [--timing] [--device cpu|cuda|auto]\n"
                "                       [--threads 1]\n\n"
                "Decodes each song (WAV/AU natively; MP3/FLAC/OGG via libsndfile; any rate, resampled to 22050 Hz),\n"
                "computes the features the model was trained with (stored in the checkpoint), runs every 128-frame\n"
                "chunk through the model, and prints the top 3 (--top-k) genres of the mean chunk probability: the\n"
                "classes the model was trained on, GTZAN's genres or your own folders' names.\n"
                "--timeline adds the top genres of each ~2.97 s chunk; --timing the time of each stage.",
                cmd_predict);

}  // namespace
}  // namespace melgrad::cli
