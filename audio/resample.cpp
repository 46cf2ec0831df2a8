#include "audio/resample.h"

#include <soxr.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace melgrad::audio {

static void check_rates(int sr_in, int sr_out) {
    if (sr_in <= 0 || sr_out <= 0)
        throw std::invalid_argument("resample: sample rates must be > 0, got " + std::to_string(sr_in) + " -> " +
                                    std::to_string(sr_out));
}

std::vector<float> resample(const std::vector<float>& y, int sr_in, int sr_out) {
    check_rates(sr_in, sr_out);
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

Resampler::Resampler(int sr_in, int sr_out) : ratio_(double(sr_out) / double(sr_in)) {
    check_rates(sr_in, sr_out);
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    soxr_error_t err = nullptr;
    soxr_ = soxr_create(sr_in, sr_out, 1, &err, &io, &q, nullptr);
    if (err || !soxr_) throw std::runtime_error(std::string("resample: libsoxr failed: ") + (err ? err : "no resampler"));
}

Resampler::~Resampler() { soxr_delete(soxr_); }

// Runs soxr until it has taken all n samples (in == nullptr: the end of the input, until it has no more).
void Resampler::drain(const float* in, size_t n, std::vector<float>& out) {
    float buf[4096];
    for (;;) {
        size_t used = 0, made = 0;
        const soxr_error_t err = soxr_process(soxr_, in, n, &used, buf, sizeof buf / sizeof buf[0], &made);
        if (err) throw std::runtime_error(std::string("resample: libsoxr failed: ") + err);
        out.insert(out.end(), buf, buf + made);
        total_out_ += made;
        if (in) {
            in += used;
            n -= used;
        }
        if ((in && n == 0 && made == 0) || (!in && made == 0)) return;
    }
}

void Resampler::process(const float* in, size_t n, std::vector<float>& out) {
    if (n == 0) return;
    total_in_ += n;
    drain(in, n, out);
}

void Resampler::finish(std::vector<float>& out) {
    drain(nullptr, 0, out);
    const size_t want = size_t(std::ceil(double(total_in_) * ratio_));
    if (total_out_ < want) out.insert(out.end(), want - total_out_, 0.0f);
    if (total_out_ > want) out.resize(out.size() - std::min(out.size(), total_out_ - want));
    total_out_ = want;
}

}  // namespace melgrad::audio
