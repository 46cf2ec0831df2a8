#include "audio/resample.h"

#include <soxr.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace melgrad::audio {

std::vector<float> resample(const std::vector<float>& y, int sr_in, int sr_out) {
    if (sr_in <= 0 || sr_out <= 0)
        throw std::invalid_argument("resample: sample rates must be > 0, got " + std::to_string(sr_in) + " -> " +
                                    std::to_string(sr_out));
    if (sr_in == sr_out || y.empty()) return y;
    const double ratio = double(sr_out) / double(sr_in);
    const size_t n_out = size_t(std::ceil(double(y.size()) * ratio));
    std::vector<float> out(n_out, 0.0f);
    size_t done = 0;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_error_t err =
        soxr_oneshot(sr_in, sr_out, 1, y.data(), y.size(), nullptr, out.data(), n_out, &done, &io, &q, nullptr);
    if (err) throw std::runtime_error(std::string("resample: libsoxr failed: ") + err);
    // soxr may deliver a sample less than ceil(): the rest stays zero, as librosa's fix_length pads.
    return out;
}

}  // namespace melgrad::audio
