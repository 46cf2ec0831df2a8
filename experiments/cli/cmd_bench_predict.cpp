// melgrad bench-predict: how fast is "which genre is this song?" (the paper needed 17 s per full song).
// Measures GenrePredictor::predict_file end to end — decode, resample, mel, chunks, CNN — on
//   * a 30 s clip: 22050 Hz mono 16-bit WAV (GTZAN's shape)
//   * a 4-minute song: 44.1 kHz stereo MP3 (decoded by libsndfile, resampled by soxr)
// with the paper CNN's untrained weights (the time does not depend on the values).
#include <sndfile.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "audio/test_signal.h"
#include "audio/wav_write.h"
#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/gtzan/features.h"
#include "experiments/gtzan/predict.h"
#include "framework/backend.h"
#include "framework/checkpoint.h"
#include "framework/model_text.h"

namespace fs = std::filesystem;

namespace melgrad::cli {
namespace {

void write_mp3_stereo_44k(const std::string& path, const std::vector<float>& mono_22050) {
    SF_INFO info{};
    info.samplerate = 44100;
    info.channels = 2;
    info.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    if (!sf_format_check(&info)) throw std::runtime_error("this libsndfile cannot write MP3 (needs libsndfile >= 1.1)");
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error(path + ": " + sf_strerror(nullptr));
    std::vector<float> stereo(mono_22050.size() * 4);
    for (size_t i = 0; i < mono_22050.size(); i++)  // 2x upsampling by repetition is fine for a timing input
        for (int k = 0; k < 4; k++) stereo[4 * i + k] = 0.5f * mono_22050[i];
    sf_writef_float(f, stereo.data(), (sf_count_t)(stereo.size() / 2));
    sf_close(f);
}

double median_ms(gtzan::GenrePredictor& p, const std::string& path, int reps) {
    std::vector<double> t;
    p.predict_file(path);  // warm-up: page cache, allocator
    for (int r = 0; r < reps; r++) {
        auto start = std::chrono::steady_clock::now();
        p.predict_file(path);
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

int cmd_bench_predict(const std::vector<std::string>& args) {
    Args a(args, "melgrad bench-predict");
    int threads = a.int_option("--threads", 1, 1, 1 << 16);
    int reps = a.int_option("--reps", 15);
    std::string model = a.option("--model", "paper-cnn");
    std::string dir = a.option("--dir", (fs::temp_directory_path() / "melgrad_bench_predict").string());
    std::string device = a.option("--device", "cpu");  // cpu, cuda or auto: where the CNN runs
    a.finish_no_positional();
    set_num_threads(threads);
    fs::create_directories(dir);
    std::string ckpt = dir + "/model.ckpt", wav = dir + "/clip30.wav", mp3 = dir + "/song240.mp3";
    Metadata meta;
    meta["model_text"] = resolve_model_text(model);
    meta["genres"] = "blues,classical,country,disco,hiphop,jazz,metal,pop,reggae,rock";
    for (auto& kv : gtzan::FeatureSettings{}.to_header()) meta["data." + kv.first] = kv.second;
    BuiltModel built = build_model(meta["model_text"], model, 0);
    save_checkpoint(ckpt, meta, built.model->state());
    audio::write_wav_pcm16(wav, audio::synth_test_clip(661500, 22050), 22050);
    write_mp3_stereo_44k(mp3, audio::synth_test_clip(22050 * 240, 22050));
    gtzan::GenrePredictor p(ckpt, device);
    double clip_ms = median_ms(p, wav, reps), song_ms = median_ms(p, mp3, std::max(3, reps / 5));
    auto detail = p.predict_file(wav);
    std::printf("model %s, %d thread(s), CNN on --device %s\n", model.c_str(), num_threads(), device.c_str());
    std::printf("30 s WAV clip : %.1f ms  (decode + mel %.1f, model %.1f)\n", clip_ms, detail.features_ms,
                detail.model_ms);
    std::printf("4 min MP3 song: %.1f ms\n", song_ms);
    std::printf("ms/clip: %.2f\nms/song: %.2f\n", clip_ms, song_ms);
    return 0;
}

MELGRAD_COMMAND("bench-predict", "time predict end to end on a 30 s WAV clip and a 4-minute MP3",
                "usage: melgrad bench-predict [--threads 1] [--reps 15] [--model paper-cnn] [--device cpu|cuda|auto]\n\n"
                "Writes a 30 s 22050 Hz WAV and a 4-minute 44.1 kHz stereo MP3 (deterministic test signal) and an\n"
                "untrained checkpoint to a temporary folder, then prints the median time of decode + resample + mel +\n"
                "chunks + CNN. Targets: < 50 ms per 30 s clip and < 1 s per 4-minute MP3 on one core.",
                cmd_bench_predict);

}  // namespace
}  // namespace melgrad::cli
