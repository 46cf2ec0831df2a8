// Sample-rate conversion through libsoxr, as librosa.load does by default (res_type 'soxr_hq').
#pragma once
#include <vector>

namespace melgrad::audio {

// Resamples mono y from sr_in to sr_out with soxr's high-quality preset (SOXR_HQ: a linear-phase
// low-pass at ~0.91 of the lower Nyquist, passband ripple < 0.01 dB, ~-110 dB stop band... as librosa).
// The output has ceil(len * sr_out / sr_in) samples, like librosa.resample (fix=True).
std::vector<float> resample(const std::vector<float>& y, int sr_in, int sr_out);

}  // namespace melgrad::audio
