// melgrad audio-figures: the pictures of docs/01-audio.md, drawn by our own code (PNG via stb_image_write).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#define STB_IMAGE_WRITE_STATIC  // private copy: no clash with another file that includes the implementation
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include "audio/chunk.h"
#include "audio/db.h"
#include "audio/decode.h"
#include "audio/mel.h"
#include "audio/test_signal.h"
#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "framework/atomic_file.h"

namespace melgrad::cli {
namespace {

struct Image {
    int w, h;
    std::vector<uint8_t> rgb;
    Image(int w_, int h_) : w(w_), h(h_), rgb(size_t(w_) * h_ * 3, 255) {}
    void set(int x, int y, const uint8_t c[3]) {
        if (x < 0 || y < 0 || x >= w || y >= h) return;
        std::copy(c, c + 3, &rgb[(size_t(y) * w + x) * 3]);
    }
    void save(const std::string& path) const {
        std::vector<uint8_t> png;
        auto append = [](void* ctx, void* data, int size) {
            auto* d = static_cast<uint8_t*>(data);
            static_cast<std::vector<uint8_t>*>(ctx)->insert(static_cast<std::vector<uint8_t>*>(ctx)->end(), d, d + size);
        };
        if (!stbi_write_png_to_func(append, &png, w, h, 3, rgb.data(), w * 3)) throw std::runtime_error(path + ": cannot encode PNG");
        write_file_atomically(path, {ByteSpan{png.data(), png.size()}});  // checked; "wrote" only after it worked
        std::printf("wrote %s (%d x %d)\n", path.c_str(), w, h);
    }
};

// A perceptually ordered colour map (dark blue -> purple -> orange -> yellow, like matplotlib's magma).
void colormap(float v, uint8_t out[3]) {
    static const float stops[5][3] = {{0, 0, 4}, {80, 18, 123}, {183, 55, 121}, {252, 137, 97}, {252, 253, 191}};
    v = std::clamp(v, 0.0f, 1.0f) * 4.0f;
    const int i = std::min(3, int(v));
    const float f = v - float(i);
    for (int c = 0; c < 3; ++c) out[c] = uint8_t(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]));
}

// values row-major rows x cols in [0, 1], row 0 drawn at the bottom, each cell sx x sy pixels
Image heatmap(const std::vector<float>& v, int rows, int cols, int sx, int sy) {
    Image img(cols * sx, rows * sy);
    uint8_t c[3];
    for (int r = 0; r < rows; ++r)
        for (int k = 0; k < cols; ++k) {
            colormap(v[size_t(r) * cols + k], c);
            for (int dy = 0; dy < sy; ++dy)
                for (int dx = 0; dx < sx; ++dx) img.set(k * sx + dx, (rows - 1 - r) * sy + dy, c);
        }
    return img;
}

int cmd_audio_figures(const std::vector<std::string>& args) {
    Args a(args, "melgrad audio-figures");
    const std::string dir = a.option("-o", "--output", "docs/images");
    const auto& files = a.finish();
    if (files.size() > 1) throw UsageError("expected at most one AUDIO file");
    const int sr = 22050;
    audio::Audio clip;
    if (files.empty()) {
        clip.samples = audio::synth_test_clip(size_t(30) * sr, sr);
        clip.sample_rate = sr;
    } else {
        clip = audio::load_audio(files[0]);
    }
    const audio::StftParams stft;
    const audio::MelParams mp;
    const audio::MelFilterbank fb = audio::mel_filterbank(mp);

    // 1. the waveform of the first 0.1 s: one column per pixel, min..max of its samples
    {
        const int w = 800, h = 160;
        const size_t n = std::min(clip.samples.size(), size_t(sr / 10));
        Image img(w, h);
        const uint8_t axis[3] = {200, 200, 200}, ink[3] = {40, 60, 160};
        for (int x = 0; x < w; ++x) img.set(x, h / 2, axis);
        for (int x = 0; x < w; ++x) {
            const size_t i0 = n * x / w, i1 = std::max(i0 + 1, n * (x + 1) / w);
            float lo = 1, hi = -1;
            for (size_t i = i0; i < i1 && i < n; ++i) lo = std::min(lo, clip.samples[i]), hi = std::max(hi, clip.samples[i]);
            for (int y = int((1 - hi) * h / 2); y <= int((1 - lo) * h / 2); ++y) img.set(x, y, ink);
        }
        img.save(dir + "/audio_waveform.png");
    }
    // 2. the filterbank: every second triangle over the FFT bins up to 8 kHz (2 pixels per bin), height
    //    = weight with norm 'slaney' (the wide high bands are lower: every band has the same area)
    {
        const int cols = int(8000.0 * mp.n_fft / sr), sx = 2, h = 220;
        float top = 0;
        for (float w : fb.weights) top = std::max(top, w);
        Image img(cols * sx, h);
        const uint8_t palette[4][3] = {{31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {148, 103, 189}};
        for (int i = 0; i < fb.n_mels; i += 2) {
            const uint8_t* c = palette[(i / 2) % 4];
            int prev_y = h - 1;
            for (int x = 0; x < cols * sx; ++x) {  // linear between bins, vertical spans join the points
                const float k = float(x) / sx;
                const int k0 = int(k);
                const float w = fb.weight(i, k0) + (k - k0) * (fb.weight(i, k0 + 1) - fb.weight(i, k0));
                const int y = h - 1 - int(w / top * (h - 10));
                if (w <= 0 && prev_y == h - 1) continue;
                for (int yy = std::min(y, prev_y); yy <= std::max(y, prev_y); ++yy) img.set(x, yy, c);
                prev_y = y;
            }
        }
        img.save(dir + "/audio_mel_filterbank.png");
    }
    // 3. the mel spectrogram in dB (ref = max, 80 dB range mapped to [0, 1]) with the 128-frame chunks
    //    marked by white lines; the dropped tail is dimmed
    {
        std::vector<float> mel = audio::melspectrogram(clip.samples.data(), clip.samples.size(), stft, fb);
        const int frames = audio::stft_frames(clip.samples.size(), stft);
        std::vector<float> db = audio::power_to_db(mel, audio::DbRef::Max);
        audio::db_to_unit(db);
        Image img = heatmap(db, fb.n_mels, frames, 1, 2);
        const int chunks = frames / 128;
        const uint8_t white[3] = {255, 255, 255};
        for (int c = 0; c <= chunks; ++c)
            for (int y = 0; y < img.h; ++y) img.set(c * 128, y, white);
        for (int x = chunks * 128 + 1; x < frames; ++x)
            for (int y = 0; y < img.h; ++y)
                for (int ch = 0; ch < 3; ++ch) img.rgb[(size_t(y) * img.w + x) * 3 + ch] /= 3;
        img.save(dir + "/audio_mel_chunks.png");
    }
    return 0;
}

MELGRAD_COMMAND("audio-figures", "draw the audio chapter's figures (waveform, filterbank, mel chunks)",
                "usage: melgrad audio-figures [AUDIO] [-o docs/images]\n\n"
                "Writes audio_waveform.png, audio_mel_filterbank.png and audio_mel_chunks.png for AUDIO, or for\n"
                "the built-in synthetic 30 s test clip when no file is given.",
                cmd_audio_figures);

}  // namespace
}  // namespace melgrad::cli
