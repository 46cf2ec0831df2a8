// melgrad bench-mel: how long our mel spectrogram takes for one 30 s clip at the paper's settings.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "audio/features.h"
#include "audio/mel.h"
#include "audio/test_signal.h"
#include "experiments/cli/args.h"
#include "experiments/cli/command.h"

namespace melgrad::cli {
namespace {

// The whole preprocessing of one GTZAN-like clip: read a 30 s 16-bit .au file (GTZAN's original format),
// mono, mel, dB with ref=max, chunks. Clips are spread over `threads` OpenMP threads, one clip per thread.
void bench_pipeline(const std::vector<float>& y, int sr, const audio::StftParams& stft, const audio::MelFilterbank& fb,
                    int threads) {
    const int n_files = 4 * threads;
    std::vector<std::string> paths;
    for (int f = 0; f < n_files; ++f) {
        const std::string path = "/tmp/melgrad_bench_clip_" + std::to_string(::getpid()) + "_" + std::to_string(f) + ".au";
        std::vector<uint8_t> bytes;
        for (uint32_t v : {0x2e736e64u, 24u, uint32_t(2 * y.size()), 3u, uint32_t(sr), 1u})  // ".snd", 16-bit linear
            for (int b = 3; b >= 0; --b) bytes.push_back(uint8_t(v >> (8 * b)));
        for (float v : y) {
            const int16_t s = int16_t(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767.0f));
            bytes.push_back(uint8_t(uint16_t(s) >> 8));
            bytes.push_back(uint8_t(uint16_t(s) & 0xff));
        }
        std::FILE* out = std::fopen(path.c_str(), "wb");
        if (!out || std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size())
            throw std::runtime_error(path + ": cannot write the benchmark clip");
        std::fclose(out);
        paths.push_back(path);
    }
    std::vector<double> rounds;
    size_t chunks_total = 0;
    for (int r = 0; r < 6; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) reduction(+ : chunks_total)
        for (int f = 0; f < n_files; ++f) {
            chunks_total += audio::clip_features(paths[f]).chunks.size();  // dB/max scaling, the default
        }
        const auto t1 = std::chrono::steady_clock::now();
        if (r > 0) rounds.push_back(std::chrono::duration<double>(t1 - t0).count());
    }
    for (const std::string& p : paths) std::remove(p.c_str());
    std::sort(rounds.begin(), rounds.end());
    const double clips_per_s = n_files / rounds[rounds.size() / 2];
    std::printf("pipeline (clip_features: read .au, mel, dB scaled to [0,1], chunks), %d threads: %.1f clips/s, %.1f ms/clip, "
                "1000 clips in %.2f s (%zu chunks per clip)\n", threads, clips_per_s, 1000.0 / clips_per_s,
                1000.0 / clips_per_s, chunks_total / size_t(6 * n_files));
}

int cmd_bench_mel(const std::vector<std::string>& args) {
    Args a(args, "melgrad bench-mel");
    const int threads = a.int_option("--threads", 1, 1, 256);
    const int reps = a.int_option("--reps", 30);
    const bool pipeline = a.flag("--pipeline");
    a.finish_no_positional();
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
    if (pipeline) bench_pipeline(y, sr, stft, fb, threads);
    std::printf("mel spectrogram of a 30 s clip (661500 samples, n_fft 2048, hop 512, 128 mels, 1292 frames), "
                "threads %d, %d reps (checksum %.6g)\n", threads, reps, checksum);
    std::printf("min %.3f ms, median %.3f ms\n", ms.front(), ms[ms.size() / 2]);
    std::printf("ms/clip: %.3f\n", ms[ms.size() / 2]);
    return 0;
}

MELGRAD_COMMAND("bench-mel", "time our mel spectrogram of a 30 s clip (paper settings)",
                "usage: melgrad bench-mel [--threads T] [--reps N] [--pipeline]\n\n"
                "Synthesises a deterministic 30 s clip at 22050 Hz and times audio::melspectrogram with n_fft 2048,\n"
                "hop 512, 128 Slaney mels (norm slaney, pad_mode constant). Prints the median as 'ms/clip: X'.\n"
                "--pipeline also times the whole preprocessing of a clip (read a 16-bit .au, mel, dB, chunks),\n"
                "one clip per thread, and prints clips/s and the time for 1000 clips.",
                cmd_bench_mel);

}  // namespace
}  // namespace melgrad::cli
