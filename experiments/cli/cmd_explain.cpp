// melgrad explain: why did it say "jazz"? Saliency and Grad-CAM of a song's chunks, from the model's own
// backward pass (experiments/gtzan/explain.h), drawn over the mel spectrogram (experiments/figures/explain_figure.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "audio/decode.h"
#include "audio/npy.h"
#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/figures/explain_figure.h"
#include "experiments/gtzan/explain.h"
#include "experiments/gtzan/predict.h"
#include "framework/atomic_file.h"

namespace melgrad::cli {
namespace {

// The windows of the song the model sees: every chunk side by side, or the one starting at --start.
struct SongWindows {
    int n = 0;
    double start_seconds = 0;
    std::vector<float> x;  // n x n_mels x chunk_frames
};

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", s);
    return buf;
}

SongWindows song_windows(const std::string& song, const gtzan::FeatureSettings& fs, double start) {
    audio::LoadOptions load;
    load.sr = fs.sample_rate;
    int frames = 0;
    const std::vector<float> mel = gtzan::scaled_mel(audio::load_audio(song, load).samples, fs, &frames);
    const double frame_seconds = (double)fs.hop_length / fs.sample_rate;
    SongWindows w;
    int first = 0;
    if (start >= 0) {
        first = (int)std::lround(start / frame_seconds);
        if (first + fs.chunk_frames > frames)
            throw std::runtime_error(song + ": --start " + seconds_text(start) + " leaves less than one " +
                                     std::to_string(fs.chunk_frames) + "-frame chunk (the song has " +
                                     seconds_text(frames * frame_seconds) + ")");
        w.n = 1;
    } else {
        w.n = frames / fs.chunk_frames;
        if (w.n == 0)
            throw std::runtime_error(song + ": too short — the model needs " + std::to_string(fs.chunk_frames) +
                                     " frames, this has " + std::to_string(frames));
    }
    w.start_seconds = first * frame_seconds;
    for (int i = 0; i < w.n; i++)
        for (int r = 0; r < fs.n_mels; r++) {
            const float* row = mel.data() + (size_t)r * frames + first + (size_t)i * fs.chunk_frames;
            w.x.insert(w.x.end(), row, row + fs.chunk_frames);
        }
    return w;
}

int genre_index(const std::vector<std::string>& genres, const std::string& name) {
    if (name.empty()) return -1;
    std::string known;
    for (size_t g = 0; g < genres.size(); g++) {
        if (genres[g] == name) return (int)g;
        known += (g ? ", " : "") + genres[g];
    }
    throw UsageError("--genre " + name + ": not one of this model's genres (" + known + ")");
}

std::vector<float> softmax_row(const float* logits, int classes) {
    std::vector<float> p(logits, logits + classes);
    const float top = *std::max_element(p.begin(), p.end());
    double sum = 0;
    for (float& v : p) sum += v = std::exp(v - top);
    for (float& v : p) v = (float)(v / sum);
    return p;
}

// Each .npy is written atomically (audio/npy.h goes through framework/atomic_file.h, as the PNG does).
void write_npy_files(const std::string& prefix, const gtzan::Explanation& e, const SongWindows& w) {
    const std::vector<size_t> shape{(size_t)e.n, (size_t)e.rows, (size_t)e.cols};
    audio::write_npy(prefix + "_input.npy", w.x.data(), shape);
    audio::write_npy(prefix + "_gradient.npy", e.input_gradient.data(), shape);
    std::printf("wrote %s_input.npy, %s_gradient.npy", prefix.c_str(), prefix.c_str());
    if (!e.gradcam.empty()) {
        audio::write_npy(prefix + "_gradcam.npy", e.gradcam.data(), shape);
        std::printf(", %s_gradcam.npy", prefix.c_str());
    }
    std::printf("\n");
}

// The picture's maps, each chunk normalised on its own: saliency smoothed, Grad-CAM as it is.
void display_maps(const gtzan::Explanation& e, bool saliency, std::vector<float>& sal, std::vector<float>& cam) {
    const size_t size = (size_t)e.rows * e.cols;
    for (int i = 0; i < e.n; i++) {
        if (saliency) {
            auto s = gtzan::smooth_and_normalise(e.input_gradient.data() + i * size, e.rows, e.cols, 1.0f);
            sal.insert(sal.end(), s.begin(), s.end());
        }
        if (!e.gradcam.empty()) {
            auto c = gtzan::normalise_to_max(e.gradcam.data() + i * size, size);
            cam.insert(cam.end(), c.begin(), c.end());
        }
    }
}

void print_and_label(const gtzan::Explanation& e, const std::vector<std::string>& genres, const SongWindows& w,
                     double chunk_seconds, figures::ExplainFigureInput& fig) {
    for (int i = 0; i < e.n; i++) {
        const std::vector<float> p = softmax_row(e.logits.data() + (size_t)i * e.classes, e.classes);
        const double t0 = w.start_seconds + i * chunk_seconds;
        const int target = e.target[i];
        std::printf("  %6.1f-%6.1f s  explaining %s %.0f%%  |", t0, t0 + chunk_seconds, genres[target].c_str(),
                    100 * p[target]);
        int highlighted = -1;
        const std::vector<std::string> lines = figures::genre_lines(p, genres, target, &highlighted);
        for (size_t l = 0; l < std::min<size_t>(3, lines.size()); ++l) std::printf("  %s", lines[l].c_str());
        std::printf("\n");
        fig.top_lines.push_back(lines);
        fig.highlighted.push_back(highlighted);
    }
}

int cmd_explain(const std::vector<std::string>& args) {
    Args a(args, "melgrad explain");
    const std::string out = a.option("-o", "--output", "explain.png"), genre = a.option("--genre", "");
    const std::string method = a.option("--method", "both"), npy = a.option("--npy", "");
    const std::string device = a.option("--device", "cpu");
    const double start = a.double_option("--start", -1);
    const auto& rest = a.finish();
    if (rest.size() != 2) throw UsageError("give a checkpoint and a song: melgrad explain CKPT SONG -o explain.png");
    if (method != "saliency" && method != "gradcam" && method != "both")
        throw UsageError("--method " + method + ": expected saliency, gradcam or both");
    if (a.has("--start") && !(start >= 0)) throw UsageError("--start must be a time in seconds, >= 0");
    gtzan::GenrePredictor predictor(rest[0], device);
    const gtzan::FeatureSettings& fs = predictor.features();
    gtzan::ExplainOptions options;
    options.gradcam = method != "saliency";
    options.target = genre_index(predictor.genres(), genre);
    const SongWindows w = song_windows(rest[1], fs, start);
    Tensor x = Tensor::from_vector({w.n, 1, fs.n_mels, fs.chunk_frames}, w.x).to(predictor.device());
    const gtzan::Explanation e = gtzan::explain_batch(predictor.model(), x, options);

    figures::ExplainFigureInput fig;
    fig.title = std::filesystem::path(rest[1]).filename().string() + ": what the model listens to";
    fig.n = e.n, fig.rows = e.rows, fig.cols = e.cols, fig.input = w.x.data(), fig.start_seconds = w.start_seconds;
    fig.sample_rate = (float)fs.sample_rate, fig.hop_length = fs.hop_length;
    std::printf("%s (%d chunk%s):\n", rest[1].c_str(), e.n, e.n == 1 ? "" : "s");
    print_and_label(e, predictor.genres(), w, (double)fs.chunk_frames * fs.hop_length / fs.sample_rate, fig);
    std::vector<float> sal, cam;
    display_maps(e, method != "gradcam", sal, cam);
    // Short titles: they are centred over a plot that may be only 512 pixels wide.
    const std::string what = genre.empty() ? "the top genre (red)" : "'" + genre + "' (red)";
    if (!sal.empty()) fig.overlays.push_back({"saliency of " + what, "saliency (max 1)", sal.data()});
    if (!cam.empty())
        fig.overlays.push_back({"Grad-CAM of " + what + ", layer " + std::to_string(e.cam_layer),
                                "Grad-CAM (max 1)", cam.data()});
    const std::vector<std::uint8_t> png = figures::render_explain_figure(fig).encode_png();
    write_file_atomically(out, {ByteSpan{png.data(), png.size()}});
    std::printf("wrote %s\n", out.c_str());
    if (!npy.empty()) write_npy_files(npy, e, w);
    return 0;
}

MELGRAD_COMMAND("explain", "why that genre: saliency and Grad-CAM over a song's mel spectrogram",
                "usage: melgrad explain CHECKPOINT SONG -o explain.png [--genre G] [--method saliency|gradcam|both]\n"
                "                      [--start SECONDS] [--npy PREFIX] [--device cpu|cuda|auto]\n\n"
                "For every 128-frame chunk of the song (or the one starting at --start), back-propagates the\n"
                "score (logit) of the chunk's top genre, or of --genre, to the input spectrogram through the same\n"
                "tape and layer backward passes as training (model in evaluation mode, weight gradients dropped).\n"
                "Saliency: |d score / d input|, smoothed and normalised per chunk. Grad-CAM: the last conv block's\n"
                "maps weighted by their mean gradient, ReLU, upsampled to the chunk's size (needs a conv layer).\n"
                "The picture shows the top-3 genres of each chunk above the spectrogram and the maps laid over it.\n"
                "--npy PREFIX also writes PREFIX_input.npy, PREFIX_gradient.npy (d score / d input, signed) and\n"
                "PREFIX_gradcam.npy (upsampled, not normalised), each chunks x mel bands x frames.",
                cmd_explain);

}  // namespace
}  // namespace melgrad::cli
