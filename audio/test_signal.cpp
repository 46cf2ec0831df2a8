#include "audio/test_signal.h"

#include <cmath>
#include <cstdint>

namespace melgrad::audio {

std::vector<float> synth_test_clip(size_t n, int sr) {
    std::vector<float> y(n);
    uint32_t state = 12345u;
    for (size_t i = 0; i < n; ++i) {
        const double t = double(i) / sr;
        state = state * 1664525u + 1013904223u;
        const double noise = double(state >> 8) / double(1u << 24) - 0.5;
        const double since_beat = std::fmod(t, 0.5);
        y[i] = float(0.3 * std::sin(2 * M_PI * 220.0 * t) + 0.2 * std::sin(2 * M_PI * 1234.5 * t) +
                     0.1 * std::sin(2 * M_PI * 5000.0 * t) + 0.1 * std::sin(2 * M_PI * (100.0 + 150.0 * t) * t) +
                     0.4 * noise * std::exp(-since_beat * 30.0) + 0.02 * noise);
    }
    return y;
}

}  // namespace melgrad::audio
