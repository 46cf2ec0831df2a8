// The SIMD pack of audio/fft_simd.cpp on its own: what it writes into the FFT's arrays, bit for bit, against
// the same pack written as plain loops here (and the first radix-4 butterfly where it says it ran it).
#include <doctest/doctest.h>

#include <vector>

#include "audio/fft.h"
#include "audio/fft_simd.h"
#include "framework/rng.h"
#include "tests/audio/batch_frames.h"

using melgrad::audio::RealFftPowerBatch;
using melgrad::audio::simd_pack;
using melgrad::audio::simd_pack_available;

namespace {

constexpr int L = RealFftPowerBatch::kLanes;

int log2_int(int n) {
    int p = 0;
    while ((1 << p) < n) ++p;
    return p;
}

std::vector<int> bit_reversal(int m) {
    const int bits = log2_int(m);
    std::vector<int> rev(m, 0);
    for (int j = 0; j < m; ++j)
        for (int b = 0; b < bits; ++b) rev[j] |= ((j >> b) & 1) << (bits - 1 - b);
    return rev;
}

// z[j] = window * (x[2j] + i x[2j+1]) of frame l at position slot[j] * L + l; then, when first_stage, the
// butterfly of radix4_stage with m = 1 on every block of four positions (in audio/fft.cpp's float order).
// slot[j] = to_slot(bitrev[j]).
template <class ToSlot>
void expected_pack(const float* const* frames, const float* window, const std::vector<int>& bitrev, ToSlot to_slot,
                   bool first_stage, std::vector<float>& re, std::vector<float>& im) {
    const int m = int(bitrev.size());
    for (int j = 0; j < m; ++j)
        for (int l = 0; l < L; ++l) {
            re[size_t(to_slot(bitrev[j])) * L + l] = frames[l][2 * j] * window[2 * j];
            im[size_t(to_slot(bitrev[j])) * L + l] = frames[l][2 * j + 1] * window[2 * j + 1];
        }
    if (!first_stage) return;
    for (int base = 0; base < m; base += 4)
        for (int l = 0; l < L; ++l) {
            float* r = re.data() + size_t(to_slot(base)) * L + l;
            float* i = im.data() + size_t(to_slot(base)) * L + l;
            const float t0r = r[0] + r[L], t0i = i[0] + i[L], t1r = r[0] - r[L], t1i = i[0] - i[L];
            const float t2r = r[2 * L] + r[3 * L], t2i = i[2 * L] + i[3 * L];
            const float t3r = r[2 * L] - r[3 * L], t3i = i[2 * L] - i[3 * L];
            r[0] = t0r + t2r;      i[0] = t0i + t2i;
            r[L] = t1r + t3i;      i[L] = t1i - t3r;
            r[2 * L] = t0r - t2r;  i[2 * L] = t0i - t2i;
            r[3 * L] = t1r - t3i;  i[3 * L] = t1i + t3r;
        }
}

}  // namespace

TEST_CASE("fft simd: the build has a SIMD pack exactly when it targets AVX-512 or AVX2") {
#if defined(__AVX512F__) || defined(__AVX2__)
    CHECK(simd_pack_available());
#else
    CHECK_FALSE(simd_pack_available());
    CHECK_THROWS(simd_pack(nullptr, nullptr, nullptr, 8, nullptr, nullptr));
#endif
}

// Both layouts: the plain bit-reversed positions, and the padded one of RealFftPowerBatch (a spare vector after
// every 64 elements, RealFftPowerBatch::slot), where positions past 64 move.
TEST_CASE("fft simd: the SIMD pack writes the windowed samples in bit-reversed order, plus the first stage when it says so" *
          doctest::skip(!simd_pack_available()) * doctest::description("this build has no SIMD pack")) {
    melgrad::Rng rng(13);
    const auto dense = [](int p) { return p; };
    const auto padded = [](int p) { return RealFftPowerBatch::slot(p); };
    for (int n : {16, 32, 64, 128, 512, 2048, 8192}) {  // log2(n/2) odd (pack only) and even (pack + first stage)
        CAPTURE(n);
        const int m = n / 2;
        const BatchFrames b(n, rng);
        const std::vector<int> bitrev = bit_reversal(m);
        std::vector<int> padded_slots;
        for (int p : bitrev) padded_slots.push_back(padded(p));
        for (const float* const* frames : {b.overlapping, b.apart}) {
            for (bool pad : {false, true}) {
                CAPTURE(pad);
                const std::vector<int>& slots = pad ? padded_slots : bitrev;
                std::vector<float> re(size_t(padded(m - 1) + 1) * L), im(re.size());
                std::vector<float> want_re(re.size()), want_im(re.size());
                const bool first_stage = simd_pack(frames, b.window.data(), slots.data(), m, re.data(), im.data());
                CHECK(first_stage == (log2_int(m) % 2 == 0 && m >= 16));
                if (pad) expected_pack(frames, b.window.data(), bitrev, padded, first_stage, want_re, want_im);
                else expected_pack(frames, b.window.data(), bitrev, dense, first_stage, want_re, want_im);
                CHECK(re == want_re);
                CHECK(im == want_im);
            }
        }
    }
}
