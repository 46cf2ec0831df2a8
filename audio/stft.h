// The short-time Fourier transform, with librosa's semantics and parameter names:
//   frame t covers samples [t*hop_length - n_fft/2, t*hop_length + n_fft/2) of y when center = true
//   (the signal is padded by n_fft/2 on both sides: zeros for pad_mode 'constant', a mirror image
//   without the edge sample for 'reflect'), so there are 1 + len(y) / hop_length frames (1292 for a 30 s
//   clip at 22050 Hz and hop 512). Window: periodic Hann of win_length, centred in n_fft.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "audio/fft.h"

namespace melgrad::audio {

enum class PadMode { Constant, Reflect };
PadMode pad_mode_from_string(const std::string& name);  // "constant" | "reflect"

struct StftParams {
    int n_fft = 2048;
    int hop_length = 512;
    int win_length = 0;  // 0 = n_fft
    bool center = true;
    PadMode pad_mode = PadMode::Constant;
};

constexpr int kMaxNfft = 1 << 20;  // n_fft and hop_length above this are refused (a limit on the memory asked for)
void check_stft_params(const StftParams& p);  // throws std::invalid_argument with the problem
// The number of frames; checks the parameters first (stft_frames is the first use of hop_length).
int stft_frames(size_t n_samples, const StftParams& p);
// y padded as the STFT sees it: n_fft/2 on each side when center, else y itself.
std::vector<float> pad_signal(const float* y, size_t n, const StftParams& p);

// Where the n_fft samples of each frame start, without copying the whole padded signal: frames that lie
// inside y point into y; only the few frames that overlap the padding point into small padded copies of
// the head and the tail (for short signals, one padded copy of everything).
class PaddedFrames {
public:
    PaddedFrames(const float* y, size_t n, const StftParams& p);
    const float* frame(int t) const;

private:
    const float* y_;
    size_t n_, hop_, n_fft_, pad_;
    std::vector<float> head_, tail_;
    size_t tail_begin_ = 0;  // padded index where tail_ starts
};

// Complex STFT, row-major (n_fft/2 + 1) x frames, through RealFft: the plain reference path.
std::vector<Cpx> stft(const float* y, size_t n, const StftParams& p);

// The window and the FFT plan of the fast path, built once per (n_fft, win_length) and then shared by every
// call and thread (both are read-only): building them takes some 4000 sines and cosines in double, about
// 3 % of the mel spectrogram of a 30 s clip.
struct PowerBatchPlan {
    std::vector<float> window;
    RealFftPowerBatch fft;
};
const PowerBatchPlan& power_batch_plan(int n_fft, int win_length);

// Calls fn(first_frame, count, power) for batches of up to RealFftPowerBatch::kLanes frames, where
// power[k * kLanes + l] = |STFT[k, first_frame + l]|^2. This is the fast path; with threads > 1 batches
// run in parallel (OpenMP), so fn must be safe to call concurrently for different batches.
// n_fft must be a power of two >= 16.
template <class Fn>
void for_each_power_batch(const float* y, size_t n, const StftParams& p, int threads, Fn&& fn);

// |STFT|^2, row-major (n_fft/2 + 1) x frames.
std::vector<float> power_spectrogram(const float* y, size_t n, const StftParams& p, int threads = 1);

}  // namespace melgrad::audio

#include "audio/stft_batch.h"
