// Made-up figure inputs (see demo.h).
#include "experiments/figures/demo.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "experiments/figures/grid.h"
#include "experiments/figures/heatmap.h"
#include "experiments/gtzan/eval_file.h"
#include "framework/atomic_file.h"

namespace fs = std::filesystem;

namespace melgrad::figures {
namespace {

// A tiny deterministic hash -> [0,1), so the demo needs no RNG state.
float hash01(unsigned a, unsigned b) {
    unsigned h = a * 2654435761u ^ (b + 0x9e3779b9u + (a << 6) + (a >> 2));
    h ^= h >> 15, h *= 2246822519u, h ^= h >> 13, h *= 3266489917u, h ^= h >> 16;
    return (h & 0xffffff) / float(0x1000000);
}

void write_text(const fs::path& p, const std::string& text) {
    write_file_atomically(p.string(), text);  // checked writes, no partial file on a full disk
}

// confusion.csv and eval.json / eval.txt of a made-up test set: 200 test chunks a genre, the usual
// confusions (pop/hiphop/disco, rock/metal/blues/country) more likely.
void write_demo_evaluation(const fs::path& run, std::vector<std::string>& written) {
    const char* genres[10] = {"blues", "classical", "country", "disco",  "hiphop",
                              "jazz",  "metal",     "pop",     "reggae", "rock"};
    const int confusable[10][2] = {{2, 9}, {5, 5}, {9, 0}, {7, 4}, {7, 8}, {0, 1}, {9, 9}, {4, 3}, {4, 4}, {6, 2}};
    std::string conf;
    for (int g = 0; g < 10; ++g) conf += (g ? "," : "") + std::string(genres[g]);
    conf += "\n";
    gtzan::Confusion confusion(10);
    for (int g = 0; g < 10; ++g) {
        int counts[10] = {0};
        const int right = 150 + static_cast<int>(40 * hash01(g, 1));
        counts[g] = right;
        int left = 200 - right;
        counts[confusable[g][0]] += left / 2;
        counts[confusable[g][1]] += left / 4;
        left -= left / 2 + left / 4;
        for (int k = 0; left > 0; k = (k + 3) % 10, --left) counts[k == g ? (k + 1) % 10 : k]++;
        conf += genres[g];
        for (int c = 0; c < 10; ++c) conf += "," + std::to_string(counts[c]), confusion.counts[g * 10 + c] = counts[c];
        conf += "\n";
    }
    write_text(run / "confusion.csv", conf);
    written.push_back((run / "confusion.csv").string());
    gtzan::EvalResults r;  // made up like the rest: only the test part, clip accuracy and loss invented
    r.run = run.string();
    r.model = "demo";
    r.epoch = 30;
    r.split = "clip";
    r.split_description = "demo: made-up numbers, nothing was evaluated";
    r.data = "none (melgrad demo-figures)";
    r.synthetic = true;
    r.parts.push_back({"test", 2000, 200, confusion.accuracy(), std::min(1.0, confusion.accuracy() + 0.02), 0.61});
    r.test_per_genre = gtzan::genre_scores(confusion, std::vector<std::string>(genres, genres + 10));
    gtzan::write_eval_files(run.string(), r);
    for (const char* f : {gtzan::kEvalJsonFile, gtzan::kEvalTextFile}) written.push_back((run / f).string());
}

}  // namespace

std::vector<float> demo_mel_db(int n_mels, int frames, float sr, int hop) {
    std::vector<float> power(static_cast<size_t>(n_mels) * frames, 0.f);
    const double mel_hi = hz_to_mel_slaney(sr / 2);
    auto band_of = [&](double hz) { return hz_to_mel_slaney(hz) / mel_hi * (n_mels + 1) - 1; };
    const double notes[4] = {220.0, 277.2, 329.6, 440.0};  // A3, C#4, E4, A4
    for (int t = 0; t < frames; ++t) {
        const double sec = double(t) * hop / sr;
        const double f0 = notes[static_cast<int>(sec / 0.5) % 4];
        const double beat = std::fmod(sec, 0.5);
        for (int m = 0; m < n_mels; ++m) {
            double p = 1e-6 * (0.5 + hash01(t, m));                                  // noise floor, -60 dB
            const double envelope = std::exp(-beat / 0.25);                          // each note fades
            for (int k = 1; k <= 12 && k * f0 < sr / 2; ++k) {                        // harmonics, power 1/k^2
                const double d = m - band_of(k * f0);
                p += envelope * std::exp(-0.5 * d * d / 0.5) / (k * k);
            }
            p += 0.01 * std::exp(-beat / 0.012) * std::exp(-m / 40.0);               // drum hit, low-heavy
            power[static_cast<size_t>(m) * frames + t] = static_cast<float>(p);
        }
    }
    const float peak = *std::max_element(power.begin(), power.end());
    for (float& v : power) v = 10.f * std::log10(v / peak);  // dB relative to the maximum (max = 0 dB)
    return power;
}

std::vector<float> demo_kernels(int n) {
    std::vector<float> w(static_cast<size_t>(n) * 9);
    for (int o = 0; o < n; ++o) {
        const double angle = M_PI * (o % 8) / 8;  // 8 orientations; odd groups are lines, even groups edges
        const bool line = (o / 8) % 2 == 1;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) {
                const double d = (c - 1) * std::cos(angle) + (r - 1) * std::sin(angle);  // signed distance
                double v = line ? 1.0 - 1.5 * d * d : d;
                v = v * (1.0 - 0.3 * (o / 16)) + 0.25 * (hash01(o, r * 3 + c) - 0.5);
                w[static_cast<size_t>(o) * 9 + r * 3 + c] = static_cast<float>(0.4 * v);
            }
    }
    return w;
}

std::vector<float> demo_conv_relu(const std::vector<float>& img, int h, int w, const std::vector<float>& k, int n) {
    const int oh = h - 2, ow = w - 2;
    std::vector<float> out(static_cast<size_t>(n) * oh * ow);
    for (int o = 0; o < n; ++o)
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x) {
                float s = 0;  // out[o,y,x] = sum_{r,c} k[o,r,c] * img[y+r, x+c]  (cross-correlation, as Conv2d)
                for (int r = 0; r < 3; ++r)
                    for (int c = 0; c < 3; ++c) s += k[o * 9 + r * 3 + c] * img[(y + r) * w + x + c];
                out[(static_cast<size_t>(o) * oh + y) * ow + x] = std::max(s, 0.f);
            }
    return out;
}

namespace {

// DIR/figures/{spectrogram,filters,featuremaps}.png: a 10 s made-up spectrogram, its first 128-frame chunk
// through 16 demo kernels.
void write_demo_figures(const fs::path& figs, std::vector<std::string>& written) {
    const int n_mels = 128, frames = 431;
    const auto mel = demo_mel_db(n_mels, frames);
    SpectrogramStyle st;
    st.title = "demo: made-up mel spectrogram (no audio)";
    st.frequency = SpectrogramStyle::Frequency::mel_hz;
    render_spectrogram(mel.data(), n_mels, frames, st).save_png((figs / "spectrogram.png").string());
    written.push_back((figs / "spectrogram.png").string());

    const int n_kernels = 16;
    const auto kernels = demo_kernels(n_kernels);
    GridStyle ks;
    ks.title = "demo: 16 made-up 3x3 kernels";
    ks.tile_px = 48;
    render_grid(kernel_tiles(kernels.data(), n_kernels, 1, 3, 3), ks).save_png((figs / "filters.png").string());
    written.push_back((figs / "filters.png").string());

    std::vector<float> chunk(128 * 128);
    for (int m = 0; m < 128; ++m)
        for (int t = 0; t < 128; ++t) chunk[m * 128 + t] = (mel[m * frames + t] + 80.f) / 80.f;  // dB -> [0,1]
    const auto maps = demo_conv_relu(chunk, 128, 128, kernels, n_kernels);
    // A 2x2 max pool of those maps, as the next layer of a CNN would see them.
    std::vector<float> pooled(static_cast<size_t>(n_kernels) * 63 * 63);
    for (int c = 0; c < n_kernels; ++c)
        for (int y = 0; y < 63; ++y)
            for (int x = 0; x < 63; ++x) {
                const float* m = &maps[static_cast<size_t>(c) * 126 * 126];
                pooled[(static_cast<size_t>(c) * 63 + y) * 63 + x] =
                    std::max({m[2 * y * 126 + 2 * x], m[2 * y * 126 + 2 * x + 1], m[(2 * y + 1) * 126 + 2 * x],
                              m[(2 * y + 1) * 126 + 2 * x + 1]});
            }
    const std::vector<LayerActivations> layers = {{"demo conv1", maps.data(), n_kernels, 126, 126},
                                                  {"demo pool1", pooled.data(), n_kernels, 63, 63}};
    render_feature_maps(layers, 8, 8).save_png((figs / "featuremaps.png").string());
    written.push_back((figs / "featuremaps.png").string());
}

}  // namespace

std::vector<std::string> write_demo_run(const std::string& dir) {
    const fs::path run(dir), figs = run / "figures";
    fs::create_directories(figs);
    std::vector<std::string> written;

    write_text(run / "settings.txt",
               "data = synthetic (melgrad demo-figures: made-up numbers, no audio read, nothing trained)\n"
               "n_fft = 2048\nhop_length = 512\nn_mels = 128\nchunk = 128 x 128\nepochs = 30\n");
    written.push_back((run / "settings.txt").string());

    std::string csv = "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n";
    for (int e = 1; e <= 30; ++e) {
        const double wiggle = 0.02 * (hash01(e, 7) - 0.5);
        const double train_acc = 0.97 - 0.87 * std::exp(-e / 5.0);
        const double val_acc = 0.81 - 0.71 * std::exp(-e / 4.5) + wiggle;
        const double train_loss = 2.3 * std::exp(-e / 6.0) + 0.08;
        const double val_loss = 2.3 * std::exp(-e / 5.0) + 0.55 + 0.012 * std::max(0, e - 12) + 2 * wiggle;
        char row[200];
        std::snprintf(row, sizeof row, "%d,%.4f,%.4f,%.4f,%.4f,%g,%.1f\n", e, train_loss, train_acc, val_loss,
                      val_acc, 1e-3, 41.0 + 3 * hash01(e, 3));
        csv += row;
    }
    write_text(run / "metrics.csv", csv);
    written.push_back((run / "metrics.csv").string());

    write_demo_evaluation(run, written);

    write_demo_figures(figs, written);
    return written;
}

}  // namespace melgrad::figures
