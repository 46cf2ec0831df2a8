// What our format readers (wav.h, au.h) return: decoded samples before any mixing or resampling.
#pragma once
#include <string>
#include <vector>

namespace melgrad::audio {

struct PcmAudio {
    std::vector<float> interleaved;  // frames x channels, frame-major (L R L R ...), values in [-1, 1]
    int sample_rate = 0;
    int channels = 0;
    std::string encoding;  // e.g. "PCM 16-bit", "float 32-bit", "mu-law 8-bit": for messages and `melgrad info`
    size_t frames() const { return channels > 0 ? interleaved.size() / size_t(channels) : 0; }
};

}  // namespace melgrad::audio
