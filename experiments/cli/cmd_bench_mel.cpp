// melgrad bench-mel: how long our mel spectrogram takes for one 30 s clip at the paper's settings.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "audio/mel.h"
#include "audio/test_signal.h"
#include "experiments/cli/args.h"
#include "experiments/cli/command.h"

namespace melgrad::cli {
namespace {

int cmd_bench_mel(const std::vector<std::string>& args) {
    Args a(args, "melgrad bench-mel");
    const int threads = a.int_option("--threads", 1);
    const int reps = a.int_option("--reps", 30);
    a.finish();
    if (threads < 1 || reps < 1) throw UsageError("--threads and --reps must be >= 1");
    const int sr = 22050;
    const std::vector<float> y = audio::synth_test_clip(size_t(30) * sr, sr);
    audio::StftParams stft;  // n_fft 2048, hop 512, periodic Hann, center, pad_mode constant
    audio::MelParams mp;     // 128 Slaney mels, norm slaney, 0..sr/2
    const audio::MelFilterbank fb = audio::mel_filterbank(mp);  // built once, like a dataset run would
    std::vector<double> ms;
    double checksum = 0.0;
    for (int r = 0; r < reps + 2; ++r) {  // two warm-up runs
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<float> mel = audio::melspectrogram(y.data(), y.size(), stft, fb, threads);
        const auto t1 = std::chrono::steady_clock::now();
        if (r >= 2) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        checksum += mel[mel.size() / 2];
    }
    std::sort(ms.begin(), ms.end());
    std::printf("mel spectrogram of a 30 s clip (661500 samples, n_fft 2048, hop 512, 128 mels, 1292 frames), "
                "threads %d, %d reps (checksum %.6g)\n", threads, reps, checksum);
    std::printf("min %.3f ms, median %.3f ms\n", ms.front(), ms[ms.size() / 2]);
    std::printf("ms/clip: %.3f\n", ms[ms.size() / 2]);
    return 0;
}

MELGRAD_COMMAND("bench-mel", "time our mel spectrogram of a 30 s clip (paper settings)",
                "usage: melgrad bench-mel [--threads T] [--reps N]\n\n"
                "Synthesises a deterministic 30 s clip at 22050 Hz and times audio::melspectrogram with n_fft 2048,\n"
                "hop 512, 128 Slaney mels (norm slaney, pad_mode constant). Prints the median as 'ms/clip: X'.",
                cmd_bench_mel);

}  // namespace
}  // namespace melgrad::cli
