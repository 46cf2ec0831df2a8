// The mel scale, the mel filterbank and the mel spectrogram (librosa >= 0.10 semantics).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "audio/stft.h"

namespace melgrad::audio {

// Slaney (librosa's default, htk = false): linear below 1 kHz, 200/3 Hz per mel, then logarithmic with
// a step of ln(6.4)/27 per mel:
//   mel(f) = f / (200/3)                                   f < 1000 Hz
//   mel(f) = 15 + ln(f / 1000) / (ln(6.4) / 27)            f >= 1000 Hz
// HTK: mel(f) = 2595 log10(1 + f / 700).
double hz_to_mel(double hz, bool htk = false);
double mel_to_hz(double mel, bool htk = false);

struct MelParams {
    int sr = 22050;
    int n_fft = 2048;
    int n_mels = 128;
    double fmin = 0.0;
    double fmax = -1.0;        // < 0: sr / 2 (Nyquist)
    bool htk = false;
    bool slaney_norm = true;   // norm='slaney' (area normalisation) or None
};

// Triangular filters on the FFT bin frequencies f_k = k sr / n_fft. Band i rises from edge f[i] to peak
// f[i+1] and falls to f[i+2], where f[0..n_mels+1] are n_mels + 2 points evenly spaced in mel between
// fmin and fmax. norm='slaney' scales band i by 2 / (f[i+2] - f[i]) so every band has the same area.
// Stored sparse: band i is non-zero only on bins first[i]..last[i] (empty: last < first).
struct MelFilterbank {
    int n_mels = 0, n_bins = 0;
    std::vector<int> first, last;
    std::vector<size_t> offset;   // weights of band i start at weights[offset[i]]
    std::vector<float> weights;
    float weight(int band, int bin) const;
    std::vector<float> dense() const;   // row-major n_mels x n_bins
};

constexpr int kMaxMels = 1 << 16;
constexpr int kMaxSampleRate = 768000;  // the highest rate audio hardware uses; a target rate above is refused
// Throws std::invalid_argument naming the parameter out of range (NaN and infinite frequencies included).
MelFilterbank mel_filterbank(const MelParams& p);

// mel[i, t] = sum_k W[i, k] |STFT[k, t]|^2  (power 2), row-major n_mels x frames.
// The filterbank's n_fft must equal stft.n_fft. threads > 1 splits frames across OpenMP threads.
std::vector<float> melspectrogram(const float* y, size_t n, const StftParams& stft, const MelFilterbank& fb,
                                  int threads = 1);

}  // namespace melgrad::audio
