// Our FFT against a naive float64 DFT, on random inputs of many sizes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "audio/fft.h"
#include "framework/rng.h"
#include "tests/audio/batch_frames.h"

using melgrad::audio::ComplexFft;
using melgrad::audio::Cpx;
using melgrad::audio::RealFft;
using melgrad::audio::RealFftPowerBatch;

namespace {

struct C64 {
    double re, im;
};

std::vector<C64> naive_dft(const std::vector<C64>& x) {
    const size_t n = x.size();
    std::vector<C64> out(n, C64{0, 0}), w(n);
    for (size_t r = 0; r < n; ++r) w[r] = {std::cos(-2.0 * M_PI * double(r) / double(n)), std::sin(-2.0 * M_PI * double(r) / double(n))};
    for (size_t k = 0; k < n; ++k)
        for (size_t j = 0; j < n; ++j) {
            const C64 e = w[(j * k) % n];  // e^{-2 pi i jk/n}, exact angle from the integer jk mod n
            out[k].re += x[j].re * e.re - x[j].im * e.im;
            out[k].im += x[j].re * e.im + x[j].im * e.re;
        }
    return out;
}

// max |ours - exact| / max |exact|: float32 rounding gives ~1e-7 * log2(n); Bluestein a little more.
double rel_error(const std::vector<Cpx>& ours, const std::vector<C64>& exact, size_t count) {
    double err = 0, scale = 1e-30;
    for (size_t k = 0; k < count; ++k) {
        err = std::max(err, std::hypot(ours[k].re - exact[k].re, ours[k].im - exact[k].im));
        scale = std::max(scale, std::hypot(exact[k].re, exact[k].im));
    }
    return err / scale;
}

const int kSizes[] = {1, 2, 3, 4, 5, 7, 8, 12, 16, 32, 64, 100, 128, 255, 256, 512, 1000, 1024, 2048, 4096};

}  // namespace

TEST_CASE("fft: complex FFT matches a float64 DFT for powers of two and other sizes") {
    melgrad::Rng rng(7);
    for (int n : kSizes) {
        CAPTURE(n);
        std::vector<Cpx> x(n);
        std::vector<C64> x64(n);
        for (int j = 0; j < n; ++j) {
            x[j] = {float(rng.normal()), float(rng.normal())};
            x64[j] = {x[j].re, x[j].im};
        }
        std::vector<Cpx> y(n);
        ComplexFft(n).forward(x.data(), y.data());
        CHECK(rel_error(y, naive_dft(x64), n) < 2e-6);
    }
}

TEST_CASE("fft: complex FFT works in place") {
    melgrad::Rng rng(8);
    for (int n : {64, 100}) {
        std::vector<Cpx> x(n), y(n);
        for (auto& v : x) v = {float(rng.normal()), float(rng.normal())};
        ComplexFft f(n);
        f.forward(x.data(), y.data());
        f.forward(x.data(), x.data());
        for (int k = 0; k < n; ++k) {
            CHECK(x[k].re == y[k].re);
            CHECK(x[k].im == y[k].im);
        }
    }
}

TEST_CASE("fft: real FFT matches a float64 DFT (even and odd sizes)") {
    melgrad::Rng rng(9);
    for (int n : kSizes) {
        CAPTURE(n);
        std::vector<float> x(n);
        std::vector<C64> x64(n);
        for (int j = 0; j < n; ++j) {
            x[j] = float(rng.normal());
            x64[j] = {x[j], 0.0};
        }
        std::vector<Cpx> y(n / 2 + 1);
        RealFft(n).forward(x.data(), y.data());
        CHECK(rel_error(y, naive_dft(x64), n / 2 + 1) < 2e-6);
    }
}

TEST_CASE("fft: batched power spectra equal |DFT|^2 of each windowed frame") {
    melgrad::Rng rng(10);
    constexpr int L = RealFftPowerBatch::kLanes;
    for (int n : {16, 32, 64, 128, 256, 512, 1024, 2048}) {  // odd and even log2(n/2): both pack paths
        CAPTURE(n);
        std::vector<std::vector<float>> frames(L, std::vector<float>(n));
        std::vector<float> window(n);
        for (auto& w : window) w = float(rng.uniform());
        const float* ptrs[L];
        for (int l = 0; l < L; ++l) {
            for (auto& v : frames[l]) v = float(rng.normal());
            ptrs[l] = frames[l].data();
        }
        RealFftPowerBatch fft(n);
        std::vector<float> power(size_t(fft.bins()) * L), work(fft.work_floats());
        fft.power(ptrs, window.data(), power.data(), work.data());
        for (int l = 0; l < L; ++l) {
            std::vector<C64> x64(n);
            for (int j = 0; j < n; ++j) x64[j] = {double(frames[l][j]) * window[j], 0.0};
            const std::vector<C64> X = naive_dft(x64);
            double err = 0, scale = 0;
            for (int k = 0; k <= n / 2; ++k) {
                const double p = X[k].re * X[k].re + X[k].im * X[k].im;
                err = std::max(err, std::abs(power[k * L + l] - p));
                scale = std::max(scale, p);
            }
            CHECK(err / scale < 4e-6);
        }
    }
}

TEST_CASE("fft: batched power spectra of overlapping frames (hop n/4) equal those of the same frames copied apart") {
    // 16 consecutive frames of one signal at hop n/4 take the AVX-512 pack that reads the overlap once; the
    // same frames in separate buffers take the general pack. Both must give the same bits.
    melgrad::Rng rng(11);
    constexpr int L = RealFftPowerBatch::kLanes;
    for (int n : {16, 32, 64, 128, 512, 2048, 8192}) {  // log2(n/2) even and odd
        CAPTURE(n);
        const BatchFrames b(n, rng);
        RealFftPowerBatch fft(n);
        std::vector<float> p1(size_t(fft.bins()) * L), p2(p1.size()), work(fft.work_floats());
        fft.power(b.overlapping, b.window.data(), p1.data(), work.data());
        fft.power(b.apart, b.window.data(), p2.data(), work.data());
        CHECK(p1 == p2);
    }
}

// Sizes where the batched FFT's padded layout (RealFftPowerBatch::slot) matters most: stages of m >= 64 whose
// four quarters each start a run of 64 slots, and stages past the cache-blocked ones. The reference is the
// plain RealFft (one frame, no padding), a naive DFT being too slow here; the work buffer starts off a cache
// line on purpose, and every offset must give the same bits.
TEST_CASE("fft: batched power spectra of large sizes equal |RealFft|^2, at any alignment of the work buffer") {
    melgrad::Rng rng(14);
    constexpr int L = RealFftPowerBatch::kLanes;
    for (int n : {4096, 8192, 32768}) {
        CAPTURE(n);
        const BatchFrames b(n, rng);
        const RealFftPowerBatch fft(n);
        const RealFft reference(n);
        std::vector<float> power(size_t(fft.bins()) * L), work(fft.work_floats() + 15);
        fft.power(b.apart, b.window.data(), power.data(), work.data() + 1);
        std::vector<float> x(n);
        std::vector<Cpx> X(n / 2 + 1);
        for (int l = 0; l < L; ++l) {
            for (int j = 0; j < n; ++j) x[j] = b.apart[l][j] * b.window[j];
            reference.forward(x.data(), X.data());
            double err = 0, scale = 0;
            for (int k = 0; k <= n / 2; ++k) {
                const double p = double(X[k].re) * X[k].re + double(X[k].im) * X[k].im;
                err = std::max(err, std::abs(power[k * L + l] - p));
                scale = std::max(scale, p);
            }
            CHECK(err / scale < 4e-6);
        }
        for (int offset = 0; offset < 16; ++offset) {
            std::vector<float> again(power.size());
            fft.power(b.apart, b.window.data(), again.data(), work.data() + offset);
            CHECK(again == power);
        }
    }
}

TEST_CASE("fft: cache_line_aligned rounds up to the next 64-byte boundary, at most 15 floats on") {
    std::vector<float> buffer(64);
    for (int offset = 0; offset < 32; ++offset) {
        float* p = buffer.data() + offset;
        float* a = melgrad::audio::cache_line_aligned(p);
        CHECK(reinterpret_cast<std::uintptr_t>(a) % 64 == 0);
        CHECK(a >= p);
        CHECK(a - p <= 15);
    }
}

TEST_CASE("fft: sizes below the minimum are rejected") {
    CHECK_THROWS(ComplexFft(0));
    CHECK_THROWS(RealFft(0));
    CHECK_THROWS(RealFftPowerBatch(8));
    CHECK_THROWS(RealFftPowerBatch(4));
}
