#include "audio/window.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace melgrad::audio {

std::vector<float> hann_window(int win_length, int n_fft) {
    if (win_length < 1 || win_length > n_fft)
        throw std::invalid_argument("hann_window: need 1 <= win_length <= n_fft, got win_length " +
                                    std::to_string(win_length) + ", n_fft " + std::to_string(n_fft));
    std::vector<float> w(n_fft, 0.0f);
    const int offset = (n_fft - win_length) / 2;  // pad_center: floor((n_fft - win_length) / 2) zeros first
    for (int n = 0; n < win_length; ++n)
        w[offset + n] = float(0.5 - 0.5 * std::cos(2.0 * M_PI * n / win_length));
    return w;
}

}  // namespace melgrad::audio
