// Sample-rate conversion through libsoxr, as librosa.load does by default (res_type 'soxr_hq').
#pragma once
#include <cstddef>
#include <vector>

typedef struct soxr* soxr_t;

namespace melgrad::audio {

// Resamples mono y from sr_in to sr_out with soxr's high-quality preset (SOXR_HQ: a linear-phase
// low-pass at ~0.91 of the lower Nyquist, passband ripple < 0.01 dB, ~-110 dB stop band... as librosa).
// The output has ceil(len * sr_out / sr_in) samples, like librosa.resample (fix=True).
std::vector<float> resample(const std::vector<float>& y, int sr_in, int sr_out);

// The same, fed block by block (a long song never needs to be in memory at once). soxr keeps its filter's
// state between blocks, so the concatenated output is the one-shot output, sample for sample, whatever the
// block sizes (tests/audio/test_audio_stream.cpp checks it).
class Resampler {
public:
    Resampler(int sr_in, int sr_out);
    ~Resampler();
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;
    // Appends to `out` what soxr can give for n more input samples.
    void process(const float* in, size_t n, std::vector<float>& out);
    // The end of the input: appends the rest, then pads or cuts to ceil(total_in * sr_out / sr_in) samples
    // in all (soxr may give one sample less: the gap is zero, as librosa's fix_length pads).
    void finish(std::vector<float>& out);

private:
    void drain(const float* in, size_t n, std::vector<float>& out);
    soxr_t soxr_ = nullptr;
    double ratio_;
    size_t total_in_ = 0, total_out_ = 0;
};

}  // namespace melgrad::audio
