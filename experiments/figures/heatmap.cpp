// Heat maps, spectrograms and their colour bars (see heatmap.h).
#include "experiments/figures/heatmap.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "experiments/figures/text.h"

namespace melgrad::figures {
namespace {

void check_matrix(const float* values, int rows, int cols, const char* who) {
    if (!values || rows <= 0 || cols <= 0)
        throw std::invalid_argument(std::string(who) + ": empty matrix (" + std::to_string(rows) + " x " +
                                    std::to_string(cols) + ")");
}

// Finite min and max of the data (NaN and infinities, e.g. log of 0, are ignored).
void data_range(const float* v, size_t n, float& lo, float& hi) {
    lo = INFINITY;
    hi = -INFINITY;
    for (size_t i = 0; i < n; ++i)
        if (std::isfinite(v[i])) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
    if (!std::isfinite(lo)) lo = 0, hi = 1;
}

float normalise(float v, float vmin, float vmax) {
    if (std::isnan(v)) return 0.f;
    return vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5f;
}

struct Layout {
    PlotArea plot;
    PlotArea bar;  // the colour bar: y range vmin..vmax
    int width, height;
    std::vector<Tick> y_ticks, bar_ticks;
    float vmin, vmax;
};

Layout layout(const float* values, int rows, int cols, const HeatmapFigure& f) {
    Layout L;
    const int s = std::max(1, f.scale);
    L.vmin = f.vmin, L.vmax = f.vmax;
    if (std::isnan(L.vmin) || std::isnan(L.vmax)) {
        float lo, hi;
        data_range(values, static_cast<size_t>(rows) * cols, lo, hi);
        if (std::isnan(L.vmin)) L.vmin = lo;
        if (std::isnan(L.vmax)) L.vmax = hi;
    }
    L.y_ticks = f.y_ticks.empty() ? labelled_ticks(f.y_lo, f.y_hi, 6) : f.y_ticks;
    L.bar_ticks = labelled_ticks(L.vmin, L.vmax, 6);
    const int pw = f.plot_w > 0 ? f.plot_w : std::max(cols, 384);
    const int ph = f.plot_h > 0 ? f.plot_h : std::max(rows, 256);
    const int lh = text_line_height(s);
    const int top = f.title.empty() ? 8 * s : 8 * s + lh + 4 * s;
    const int left = y_axis_margin(L.y_ticks, s) + 4 * s;
    const int bottom = 6 * s + lh + 4 * s + lh + 4 * s;
    int bar_label_w = 0;
    for (const Tick& t : L.bar_ticks) bar_label_w = std::max(bar_label_w, text_width(t.label, s));
    const int bar_gap = 10 * s, bar_w = 10 * s;
    const int right = bar_gap + bar_w + 6 * s + bar_label_w + 6 * s + lh + 6 * s;
    L.plot = {left, top, pw, ph, f.x_lo, f.x_hi, f.y_lo, f.y_hi};
    L.bar = {left + pw + bar_gap, top, bar_w, ph, 0, 1, L.vmin, L.vmax};
    if (!(L.vmax > L.vmin)) L.bar.y_hi = L.vmin + 1;  // a constant matrix still gets a usable bar
    L.width = left + pw + right;
    L.height = top + ph + bottom;
    return L;
}

}  // namespace

Image render_heatmap(const float* values, int rows, int cols, Colormap map, float vmin, float vmax, int cell_w,
                     int cell_h) {
    check_matrix(values, rows, cols, "render_heatmap");
    cell_w = std::max(cell_w, 1);
    cell_h = std::max(cell_h, 1);
    Image img(cols * cell_w, rows * cell_h);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const Rgb color = colormap_color(map, normalise(values[static_cast<size_t>(r) * cols + c], vmin, vmax));
            img.fill_rect(c * cell_w, (rows - 1 - r) * cell_h, cell_w, cell_h, color);  // row 0 at the bottom
        }
    return img;
}

PlotArea heatmap_plot_area(int rows, int cols, const HeatmapFigure& fig) {
    // The layout needs the data only for an automatic colour range, which does not move the plot.
    std::vector<float> dummy(1, 0.f);
    HeatmapFigure f = fig;
    if (std::isnan(f.vmin)) f.vmin = 0;
    if (std::isnan(f.vmax)) f.vmax = 1;
    return layout(dummy.data(), rows, cols, f).plot;
}

Image render_heatmap_figure(const float* values, int rows, int cols, const HeatmapFigure& f) {
    check_matrix(values, rows, cols, "render_heatmap_figure");
    const int s = std::max(1, f.scale);
    Layout L = layout(values, rows, cols, f);
    Image img(L.width, L.height);
    const PlotArea& p = L.plot;
    // Each pixel shows the cell under its centre (nearest neighbour; row 0 at the bottom).
    for (int py = 0; py < p.h; ++py) {
        const int r = rows - 1 - std::min(rows - 1, static_cast<int>((py + 0.5) * rows / p.h));
        for (int px = 0; px < p.w; ++px) {
            const int c = std::min(cols - 1, static_cast<int>((px + 0.5) * cols / p.w));
            const float v = values[static_cast<size_t>(r) * cols + c];
            img.set(p.x + px, p.y + py, colormap_color(f.map, normalise(v, L.vmin, L.vmax)));
        }
    }
    img.stroke_rect(p.x - 1, p.y - 1, p.w + 2, p.h + 2, colors::black);
    draw_x_axis(img, p, labelled_ticks(f.x_lo, f.x_hi, std::max(3, p.w / (40 * s))), f.x_label, s);
    draw_y_axis(img, p, L.y_ticks, f.y_label, s);
    if (!f.title.empty()) draw_text(img, p.x + p.w / 2, 8 * s, f.title, colors::black, s, HAlign::center);

    // Colour bar: the map from vmin (bottom) to vmax (top), ticks on its right.
    const PlotArea& b = L.bar;
    for (int py = 0; py < b.h; ++py) {
        const float t = 1.f - (py + 0.5f) / b.h;
        img.fill_rect(b.x, b.y + py, b.w, 1, colormap_color(f.map, t));
    }
    img.stroke_rect(b.x - 1, b.y - 1, b.w + 2, b.h + 2, colors::black);
    int widest = 0;
    for (const Tick& t : L.bar_ticks) {
        const int y = static_cast<int>(std::lround(b.py(t.value)));
        if (y < b.y - 1 || y > b.y + b.h + 1) continue;
        img.fill_rect(b.x + b.w + 1, y, 4 * s, 1, colors::black);
        draw_text(img, b.x + b.w + 6 * s, y, t.label, colors::black, s, HAlign::left, VAlign::middle);
        widest = std::max(widest, text_width(t.label, s));
    }
    if (!f.colorbar_label.empty())
        draw_text_vertical(img, b.x + b.w + 6 * s + widest + 6 * s + text_cap_height(s) / 2, b.y + b.h / 2,
                           f.colorbar_label, colors::black, s);
    return img;
}

HeatmapFigure filterbank_figure(int n_mels, int n_freqs, float sample_rate) {
    HeatmapFigure f;
    f.title = "mel filterbank (" + std::to_string(n_mels) + " filters x " + std::to_string(n_freqs) + " STFT bins)";
    f.map = Colormap::viridis;
    f.vmin = 0;
    // Cell k is centred on its bin's frequency k * sr / n_fft, and row i on band i: the axes run half a cell
    // past the first and last centres (with 9 bins of 1000 Hz, bin 1 is drawn over 500..1500 Hz).
    const double bin_hz = n_freqs > 1 ? sample_rate / (2.0 * (n_freqs - 1)) : sample_rate / 2.0;
    f.x_label = "frequency (Hz)";
    f.x_lo = -bin_hz / 2;
    f.x_hi = sample_rate / 2 + bin_hz / 2;
    f.y_label = "mel band";
    f.y_lo = -0.5;
    f.y_hi = n_mels - 0.5;
    if (n_mels <= 16)  // a small filterbank: one tick per band
        for (int i = 0; i < n_mels; ++i) f.y_ticks.push_back({double(i), std::to_string(i)});
    f.colorbar_label = "weight";
    f.plot_w = 800;
    f.plot_h = std::clamp(n_mels * 2, 256, 512);
    return f;
}

Image render_filterbank(const float* weights, int n_mels, int n_freqs, float sample_rate) {
    check_matrix(weights, n_mels, n_freqs, "render_filterbank");
    return render_heatmap_figure(weights, n_mels, n_freqs, filterbank_figure(n_mels, n_freqs, sample_rate));
}

double hz_to_mel_slaney(double hz) {
    const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
    const double logstep = std::log(6.4) / 27.0;
    return hz < min_log_hz ? hz / f_sp : min_log_mel + std::log(hz / min_log_hz) / logstep;
}

double mel_to_hz_slaney(double mel) {
    const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
    const double logstep = std::log(6.4) / 27.0;
    return mel < min_log_mel ? mel * f_sp : min_log_hz * std::exp(logstep * (mel - min_log_mel));
}

std::vector<Tick> mel_hz_ticks(int n_mels, double fmin, double fmax) {
    // librosa's filterbank: n_mels + 2 points evenly spaced in mel over [fmin, fmax]; band b peaks at point
    // b + 1. On our axis band b spans [b, b + 1], so its peak sits at b + 0.5.
    const double lo = hz_to_mel_slaney(fmin), hi = hz_to_mel_slaney(fmax);
    std::vector<Tick> ticks;
    for (double hz : {64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0, 8192.0, 16384.0}) {
        const double band = (hz_to_mel_slaney(hz) - lo) * (n_mels + 1) / (hi - lo) - 1;
        const double pos = band + 0.5;
        if (pos < 0 || pos > n_mels) continue;
        ticks.push_back({pos, hz >= 1000 ? std::to_string(int(hz / 1024)) + "k" : std::to_string(int(hz))});
    }
    return ticks;
}

HeatmapFigure spectrogram_figure(const float* values, int n_bins, int frames, const SpectrogramStyle& st) {
    check_matrix(values, n_bins, frames, "spectrogram_figure");
    if (!(st.sample_rate > 0) || st.hop_length <= 0)
        throw std::invalid_argument("spectrogram_figure: sample_rate and hop_length must be positive");
    HeatmapFigure f;
    f.title = st.title;
    f.map = st.map;
    f.x_lo = 0;
    f.x_hi = static_cast<double>(frames) * st.hop_length / st.sample_rate;  // frame t starts at t*hop/sr seconds
    const double fmax = st.fmax > 0 ? st.fmax : st.sample_rate / 2;
    f.y_lo = 0;
    f.y_hi = n_bins;
    switch (st.frequency) {
        case SpectrogramStyle::Frequency::mel_band: f.y_label = "mel band"; break;
        case SpectrogramStyle::Frequency::mel_hz:
            f.y_label = "frequency (Hz, mel scale)";
            f.y_ticks = mel_hz_ticks(n_bins, st.fmin, fmax);
            break;
        case SpectrogramStyle::Frequency::linear_hz:  // bins 0..n_bins-1 cover 0..sr/2 (n_bins = n_fft/2 + 1)
            f.y_label = "frequency (Hz)";
            f.y_lo = 0;
            f.y_hi = fmax;
            break;
    }
    float lo, hi;
    data_range(values, static_cast<size_t>(n_bins) * frames, lo, hi);
    f.vmax = std::isnan(st.vmax) ? hi : st.vmax;
    f.vmin = std::isnan(st.vmin) ? lo : st.vmin;
    if (st.db && st.top_db > 0 && std::isnan(st.vmin)) f.vmin = std::max(f.vmin, f.vmax - st.top_db);
    f.colorbar_label = st.db ? "dB" : "value";
    f.plot_w = st.plot_w > 0 ? st.plot_w : std::clamp(frames, 384, 900);
    f.plot_h = st.plot_h > 0 ? st.plot_h : std::clamp(n_bins * 2, 256, 512);
    return f;
}

Image render_spectrogram(const float* values, int n_bins, int frames, const SpectrogramStyle& style) {
    return render_heatmap_figure(values, n_bins, frames, spectrogram_figure(values, n_bins, frames, style));
}

}  // namespace melgrad::figures
