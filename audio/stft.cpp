#include "audio/stft.h"

#include <climits>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "audio/window.h"

namespace melgrad::audio {

PadMode pad_mode_from_string(const std::string& name) {
    if (name == "constant") return PadMode::Constant;
    if (name == "reflect") return PadMode::Reflect;
    throw std::invalid_argument("pad_mode must be 'constant' or 'reflect', got '" + name + "'");
}

void check_stft_params(const StftParams& p) {
    const int win = p.win_length > 0 ? p.win_length : p.n_fft;
    if (p.n_fft < 1 || p.n_fft > kMaxNfft)
        throw std::invalid_argument("stft: n_fft must be in 1.." + std::to_string(kMaxNfft) + ", got " + std::to_string(p.n_fft));
    if (p.hop_length < 1 || p.hop_length > kMaxNfft)
        throw std::invalid_argument("stft: hop_length must be in 1.." + std::to_string(kMaxNfft) + ", got " +
                                    std::to_string(p.hop_length));
    if (p.win_length < 0) throw std::invalid_argument("stft: win_length must be >= 0, got " + std::to_string(p.win_length));
    if (win > p.n_fft)
        throw std::invalid_argument("stft: win_length " + std::to_string(win) + " > n_fft " + std::to_string(p.n_fft));
}

int stft_frames(size_t n_samples, const StftParams& p) {
    check_stft_params(p);  // hop_length 0 would divide by zero below
    if (n_samples / size_t(p.hop_length) >= size_t(INT_MAX))
        throw std::invalid_argument("stft: " + std::to_string(n_samples) + " samples at hop_length " +
                                    std::to_string(p.hop_length) + " give more frames than an int counts");
    if (p.center) return 1 + int(n_samples / size_t(p.hop_length));
    if (n_samples < size_t(p.n_fft)) return 0;
    return 1 + int((n_samples - size_t(p.n_fft)) / size_t(p.hop_length));
}

// Index i of the infinite mirror extension of y[0..n) that numpy's 'reflect' pad gives:
// ... y2 y1 | y0 y1 ... y(n-1) | y(n-2) ...   period 2(n-1), the edge sample is not repeated.
static size_t reflect_index(long long i, size_t n) {
    if (n == 1) return 0;
    const long long period = 2LL * (long long)(n - 1);
    long long r = i % period;
    if (r < 0) r += period;
    return size_t(r < (long long)n ? r : period - r);
}

std::vector<float> pad_signal(const float* y, size_t n, const StftParams& p) {
    if (!p.center) return std::vector<float>(y, y + n);
    const size_t pad = size_t(p.n_fft / 2);
    std::vector<float> out(n + 2 * pad, 0.0f);
    std::copy(y, y + n, out.begin() + pad);
    if (p.pad_mode == PadMode::Reflect && n > 0) {
        for (size_t i = 0; i < pad; ++i) {
            out[i] = y[reflect_index((long long)i - (long long)pad, n)];
            out[pad + n + i] = y[reflect_index((long long)(n + i), n)];
        }
    }
    return out;
}

// padded[begin, end) of the padded signal, built sample by sample (only used for the edges)
static std::vector<float> padded_range(const float* y, size_t n, const StftParams& p, size_t begin, size_t end) {
    const long long pad = p.center ? p.n_fft / 2 : 0;
    std::vector<float> out(end - begin, 0.0f);
    for (size_t i = begin; i < end; ++i) {
        const long long k = (long long)i - pad;
        if (k >= 0 && k < (long long)n) out[i - begin] = y[k];
        else if (p.pad_mode == PadMode::Reflect && n > 0) out[i - begin] = y[reflect_index(k, n)];
    }
    return out;
}

PaddedFrames::PaddedFrames(const float* y, size_t n, const StftParams& p)
    : y_(y), n_(n), hop_(size_t(p.hop_length)), n_fft_(size_t(p.n_fft)), pad_(p.center ? size_t(p.n_fft / 2) : 0) {
    const int frames = stft_frames(n, p);
    if (frames <= 0) return;
    const size_t total = size_t(frames - 1) * hop_ + n_fft_;  // padded samples the frames reach
    if (total <= 4 * (n_fft_ + hop_)) {  // short signal: one padded copy
        head_ = padded_range(y, n, p, 0, total);
        tail_begin_ = total;
        return;
    }
    head_ = padded_range(y, n, p, 0, std::min(total, pad_ + n_fft_ + hop_));
    // the first frame that runs past the end of y
    size_t t0 = n + pad_ >= n_fft_ ? (n + pad_ - n_fft_) / hop_ + 1 : 0;
    tail_begin_ = std::min(t0 * hop_, total);
    tail_ = padded_range(y, n, p, tail_begin_, total);
}

const float* PaddedFrames::frame(int t) const {
    const size_t start = size_t(t) * hop_;  // in padded coordinates
    if (start >= pad_ && start - pad_ + n_fft_ <= n_) return y_ + (start - pad_);
    if (start + n_fft_ <= head_.size()) return head_.data() + start;
    return tail_.data() + (start - tail_begin_);
}

const PowerBatchPlan& power_batch_plan(int n_fft, int win_length) {
    static std::mutex mutex;
    static std::map<std::pair<int, int>, std::unique_ptr<const PowerBatchPlan>> plans;  // never freed: a few KB each
    const std::lock_guard<std::mutex> lock(mutex);
    std::unique_ptr<const PowerBatchPlan>& plan = plans[{n_fft, win_length}];
    if (!plan) plan.reset(new PowerBatchPlan{hann_window(win_length, n_fft), RealFftPowerBatch(n_fft)});
    return *plan;
}

std::vector<Cpx> stft(const float* y, size_t n, const StftParams& p) {
    check_stft_params(p);
    const int frames = stft_frames(n, p), bins = p.n_fft / 2 + 1;
    const std::vector<float> padded = pad_signal(y, n, p);
    const std::vector<float> window = hann_window(p.win_length > 0 ? p.win_length : p.n_fft, p.n_fft);
    const RealFft fft(p.n_fft);
    std::vector<Cpx> out(size_t(bins) * frames), spectrum(bins);
    std::vector<float> frame(p.n_fft);
    for (int t = 0; t < frames; ++t) {
        const float* src = padded.data() + size_t(t) * p.hop_length;
        for (int i = 0; i < p.n_fft; ++i) frame[i] = src[i] * window[i];
        fft.forward(frame.data(), spectrum.data());
        for (int k = 0; k < bins; ++k) out[size_t(k) * frames + t] = spectrum[k];
    }
    return out;
}

std::vector<float> power_spectrogram(const float* y, size_t n, const StftParams& p, int threads) {
    const int frames = stft_frames(n, p), bins = p.n_fft / 2 + 1;
    std::vector<float> out(size_t(bins) * frames);
    for_each_power_batch(y, n, p, threads, [&](int f0, int count, const float* power) {
        constexpr int L = RealFftPowerBatch::kLanes;
        for (int k = 0; k < bins; ++k)
            for (int l = 0; l < count; ++l) out[size_t(k) * frames + f0 + l] = power[k * L + l];
    });
    return out;
}

}  // namespace melgrad::audio
