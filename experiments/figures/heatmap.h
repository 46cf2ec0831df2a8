// Heat maps of a matrix with axes and a colour bar: spectrograms (mel or linear STFT), the mel filterbank,
// anything stored row-major as rows x cols floats. Row 0 is drawn at the BOTTOM, so for a spectrogram
// (rows = frequency bins, low first) low frequencies are at the bottom, as in every audio tool.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "experiments/figures/axes.h"
#include "experiments/figures/colormap.h"
#include "experiments/figures/image.h"

namespace melgrad::figures {

// The bare picture: one cell per value, `cell_w` x `cell_h` pixels, colour = map((v - vmin) / (vmax - vmin)).
Image render_heatmap(const float* values, int rows, int cols, Colormap map, float vmin, float vmax,
                     int cell_w = 1, int cell_h = 1);

struct HeatmapFigure {
    std::string title;
    Colormap map = Colormap::magma;
    float vmin = NAN, vmax = NAN;  // colour range; NaN = the data's min / max
    std::string x_label = "time (s)";
    double x_lo = 0, x_hi = 1;     // data value at the left edge of column 0 and the right edge of the last
    std::string y_label = "mel band";
    double y_lo = 0, y_hi = 1;     // at the bottom edge of row 0 and the top edge of the last row
    std::vector<Tick> y_ticks;     // empty = nice ticks over [y_lo, y_hi]
    std::string colorbar_label = "dB";
    int plot_w = 0, plot_h = 0;    // size of the data rectangle; 0 = the matrix size (at least 384 x 256)
    int scale = 2;                 // text size
};

// The matrix resampled (nearest cell) into the plot rectangle, with both axes, a title and a colour bar.
Image render_heatmap_figure(const float* values, int rows, int cols, const HeatmapFigure& fig);

// Where the data rectangle of render_heatmap_figure() lies (for tests and overlays).
PlotArea heatmap_plot_area(int rows, int cols, const HeatmapFigure& fig);

// A spectrogram: values row-major n_bins x frames (e.g. the mel spectrogram in dB, n_mels x frames).
struct SpectrogramStyle {
    std::string title = "mel spectrogram";
    Colormap map = Colormap::magma;
    float sample_rate = 22050;
    int hop_length = 512;
    enum class Frequency { mel_band, mel_hz, linear_hz } frequency = Frequency::mel_band;
    float fmin = 0, fmax = 0;  // the mel / STFT range in Hz; fmax 0 = sample_rate / 2
    bool db = true;            // values are dB: colour bar in dB, range at most top_db below the maximum
    float top_db = 80;         // as librosa.power_to_db's top_db; <= 0 keeps the full range
    float vmin = NAN, vmax = NAN;
    int plot_w = 0, plot_h = 0;
};
HeatmapFigure spectrogram_figure(const float* values, int n_bins, int frames, const SpectrogramStyle& style);
Image render_spectrogram(const float* values, int n_bins, int frames, const SpectrogramStyle& style = {});

// The mel filterbank itself, weights row-major n_mels x n_freqs (n_freqs = n_fft/2 + 1 STFT bins covering
// 0..sample_rate/2): one row per triangular filter, frequency in Hz across, weight as colour (viridis).
HeatmapFigure filterbank_figure(int n_mels, int n_freqs, float sample_rate);
Image render_filterbank(const float* weights, int n_mels, int n_freqs, float sample_rate);

// The Slaney mel scale (librosa's default, htk=False): linear below 1 kHz (3 mel per 200 Hz), logarithmic
// above (27 mel per factor 6.4). Used to place Hz ticks on a mel axis.
double hz_to_mel_slaney(double hz);
double mel_to_hz_slaney(double mel);
// Ticks in Hz for a mel axis of n_mels bands spanning [fmin, fmax]: positions are in band units (0..n_mels).
std::vector<Tick> mel_hz_ticks(int n_mels, double fmin, double fmax);

}  // namespace melgrad::figures
