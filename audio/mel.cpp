// 512-bit vectors for the loops over the 16 lanes (frames) of the filterbank sum, as in audio/fft.cpp; before the
// includes, so that the batch loop of audio/stft_batch.h, which the sum is inlined into, gets them too
#if defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")
#endif
#include "audio/mel.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace melgrad::audio {

namespace {
constexpr double kSlaneyHzPerMel = 200.0 / 3.0;
constexpr double kLogStartHz = 1000.0;
constexpr double kLogStartMel = kLogStartHz / kSlaneyHzPerMel;  // 15
const double kLogStep = std::log(6.4) / 27.0;
}  // namespace

double hz_to_mel(double hz, bool htk) {
    if (htk) return 2595.0 * std::log10(1.0 + hz / 700.0);
    if (hz >= kLogStartHz) return kLogStartMel + std::log(hz / kLogStartHz) / kLogStep;
    return hz / kSlaneyHzPerMel;
}

double mel_to_hz(double mel, bool htk) {
    if (htk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
    if (mel >= kLogStartMel) return kLogStartHz * std::exp(kLogStep * (mel - kLogStartMel));
    return kSlaneyHzPerMel * mel;
}

float MelFilterbank::weight(int band, int bin) const {
    if (bin < first[band] || bin > last[band]) return 0.0f;
    return weights[offset[band] + size_t(bin - first[band])];
}

std::vector<float> MelFilterbank::dense() const {
    std::vector<float> out(size_t(n_mels) * n_bins, 0.0f);
    for (int i = 0; i < n_mels; ++i)
        for (int k = first[i]; k <= last[i]; ++k) out[size_t(i) * n_bins + k] = weight(i, k);
    return out;
}

MelFilterbank mel_filterbank(const MelParams& p) {
    const double fmax = p.fmax < 0 ? p.sr / 2.0 : p.fmax;
    // written so that NaN fails every test (NaN < 0 is false: "!(fmin >= 0)" catches it)
    if (p.sr <= 0 || p.sr > kMaxSampleRate || p.n_fft < 1 || p.n_fft > kMaxNfft || p.n_mels < 1 || p.n_mels > kMaxMels ||
        !(p.fmin >= 0) || !(fmax > p.fmin) || !std::isfinite(fmax))
        throw std::invalid_argument("mel_filterbank: need 0 < sr <= " + std::to_string(kMaxSampleRate) + ", 1 <= n_fft <= " +
                                    std::to_string(kMaxNfft) + ", 1 <= n_mels <= " + std::to_string(kMaxMels) +
                                    ", 0 <= fmin < fmax (finite); got sr " +
                                    std::to_string(p.sr) + ", n_fft " + std::to_string(p.n_fft) + ", n_mels " +
                                    std::to_string(p.n_mels) + ", fmin " + std::to_string(p.fmin) + ", fmax " +
                                    std::to_string(fmax));
    MelFilterbank fb;
    fb.n_mels = p.n_mels;
    fb.n_bins = p.n_fft / 2 + 1;
    // band edges: n_mels + 2 points evenly spaced in mel (np.linspace: start + i * step, last = stop exactly)
    const int n_pts = p.n_mels + 2;
    const double mel_lo = hz_to_mel(p.fmin, p.htk), mel_hi = hz_to_mel(fmax, p.htk);
    std::vector<double> f(n_pts);
    const double step = (mel_hi - mel_lo) / (n_pts - 1);
    for (int i = 0; i < n_pts; ++i) f[i] = mel_to_hz(i == n_pts - 1 ? mel_hi : mel_lo + i * step, p.htk);
    for (int i = 0; i < p.n_mels; ++i) {
        const double lo = f[i], mid = f[i + 1], hi = f[i + 2];
        const double enorm = p.slaney_norm ? 2.0 / (hi - lo) : 1.0;
        fb.first.push_back(0);
        fb.last.push_back(-1);
        fb.offset.push_back(fb.weights.size());
        // only the bins between the edges can be non-zero (one bin of margin each side for rounding)
        const int k_lo = std::max(0, int(std::floor(lo * p.n_fft / p.sr)) - 1);
        const int k_hi = std::min(fb.n_bins - 1, int(std::ceil(hi * p.n_fft / p.sr)) + 1);
        for (int k = k_lo; k <= k_hi; ++k) {
            const double fk = double(k) * p.sr / p.n_fft;
            // rising edge (fk - lo) / (mid - lo), falling edge (hi - fk) / (hi - mid), clipped at 0
            const double w = std::max(0.0, std::min((fk - lo) / (mid - lo), (hi - fk) / (hi - mid)));
            if (w <= 0.0) continue;
            if (fb.last[i] < fb.first[i]) fb.first[i] = k;
            // bins between first and k that were zero (cannot happen for a triangle, kept for safety)
            while (fb.first[i] + int(fb.weights.size() - fb.offset[i]) < k) fb.weights.push_back(0.0f);
            fb.weights.push_back(float(float(w) * enorm));
            fb.last[i] = k;
        }
    }
    return fb;
}

namespace {
constexpr int L = RealFftPowerBatch::kLanes;
constexpr int kBandsAtOnce = 4;

// Bands i0 .. i0 + G - 1 of one batch of power spectra (power[k * L + l] = P[k] of lane l), to the mel rows
// out + b * row_stride (count <= L frames each):  mel[i0 + b][l] = sum_k W[i0 + b, k] P[k] of lane l.
// Each band's sum is a chain of dependent additions (3 cycles each); summing G bands side by side keeps G
// chains in flight instead of one. Every band still adds its bins in ascending order, so the result is the
// same to the last bit as one band at a time. Neighbouring bands have about the same number of bins: the
// loop runs them together for the shortest one's length, then finishes each one alone. (acc is local, so
// the compiler keeps it in registers.)
template <int G>
void sum_bands(const MelFilterbank& fb, int i0, const float* power, float* out, size_t row_stride, int count) {
    const float* w[G];
    const float* p[G];
    int len[G], common = fb.n_bins;
    for (int b = 0; b < G; ++b) {
        const int i = i0 + b;
        w[b] = fb.weights.data() + fb.offset[i];
        p[b] = power + size_t(fb.first[i]) * L;
        len[b] = std::max(0, fb.last[i] - fb.first[i] + 1);
        common = std::min(common, len[b]);
    }
    float acc[G][L] = {};
    for (int t = 0; t < common; ++t) {
#pragma GCC unroll 8
        for (int b = 0; b < G; ++b) {
            const float wt = w[b][t];
            const float* pt = p[b] + size_t(t) * L;
#pragma omp simd
            for (int l = 0; l < L; ++l) acc[b][l] += wt * pt[l];
        }
    }
#pragma GCC unroll 8
    for (int b = 0; b < G; ++b) {
        for (int t = common; t < len[b]; ++t) {
            const float wt = w[b][t];
            const float* pt = p[b] + size_t(t) * L;
#pragma omp simd
            for (int l = 0; l < L; ++l) acc[b][l] += wt * pt[l];
        }
        float* row = out + size_t(b) * row_stride;
        if (count == L) {
#pragma omp simd
            for (int l = 0; l < L; ++l) row[l] = acc[b][l];
        } else {
            for (int l = 0; l < count; ++l) row[l] = acc[b][l];
        }
    }
}
}  // namespace

std::vector<float> melspectrogram(const float* y, size_t n, const StftParams& stft, const MelFilterbank& fb,
                                  int threads) {
    if (fb.n_bins != stft.n_fft / 2 + 1)
        throw std::invalid_argument("melspectrogram: filterbank has " + std::to_string(fb.n_bins) +
                                    " bins but n_fft " + std::to_string(stft.n_fft) + " gives " +
                                    std::to_string(stft.n_fft / 2 + 1));
    const int frames = stft_frames(n, stft);
    std::vector<float> mel(size_t(fb.n_mels) * frames, 0.0f);
    auto apply_filterbank = [&](int f0, int count, const float* power) {
        // every lane is a frame: mel[i, f0 + l] = sum_k W[i,k] P[k, f0 + l], one SIMD vector per band
        int i = 0;
        for (; i + kBandsAtOnce <= fb.n_mels; i += kBandsAtOnce)
            sum_bands<kBandsAtOnce>(fb, i, power, mel.data() + size_t(i) * frames + f0, frames, count);
        for (; i < fb.n_mels; ++i) sum_bands<1>(fb, i, power, mel.data() + size_t(i) * frames + f0, frames, count);
    };
    if ((stft.n_fft & (stft.n_fft - 1)) == 0 && stft.n_fft >= 16) {
        for_each_power_batch(y, n, stft, threads, apply_filterbank);
    } else {  // any other n_fft: the reference STFT (Bluestein), one frame at a time
        const std::vector<Cpx> s = audio::stft(y, n, stft);
        for (int t = 0; t < frames; ++t)
            for (int i = 0; i < fb.n_mels; ++i) {
                float acc = 0.0f;
                for (int k = fb.first[i]; k <= fb.last[i]; ++k) {
                    const Cpx c = s[size_t(k) * frames + t];
                    acc += fb.weight(i, k) * (c.re * c.re + c.im * c.im);
                }
                mel[size_t(i) * frames + t] = acc;
            }
    }
    return mel;
}

}  // namespace melgrad::audio
