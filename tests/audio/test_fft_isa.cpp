// The batched power spectra of every instruction-set path give the same bits: the native build (AVX-512 on
// a machine that has it) against audio/fft.cpp and its SIMD pack audio/fft_simd.cpp built again for AVX2 and
// for plain x86-64-v2 (no AVX, no FMA instructions: std::fma is then a library call, still exactly rounded;
// no SIMD pack: plain loops). See tests/isa/fft_entry.cpp and the Makefile's ISA_VARIANTS.
#include <doctest/doctest.h>

#include <vector>

#include "audio/fft.h"
#include "framework/rng.h"
#include "tests/audio/batch_frames.h"

// computes the power spectra; returns whether that build packed with its SIMD pack (audio/fft_simd.h)
using PowerFn = bool (*)(int n, const float* const* frames, const float* window, float* power);

extern "C" {
#ifdef MELGRAD_ISA_generic
bool melgrad_isa_power_generic(int, const float* const*, const float*, float*);
#endif
#ifdef MELGRAD_ISA_avx2
bool melgrad_isa_power_avx2(int, const float* const*, const float*, float*);
#endif
}

namespace {

struct Variant {
    const char* name;
    PowerFn power;
    bool simd_pack;  // whether that build has a SIMD pack
};

const std::vector<Variant> kVariants = {
#ifdef MELGRAD_ISA_generic
    {"x86-64-v2", melgrad_isa_power_generic, false},
#endif
#ifdef MELGRAD_ISA_avx2
    {"avx2", melgrad_isa_power_avx2, true},
#endif
};

}  // namespace

TEST_CASE("fft isa: AVX2 and plain C++ builds of the batched power spectra give the native build's bits" *
          doctest::skip(kVariants.empty()) *
          doctest::description("not an x86-64 machine: no other instruction-set builds to compare")) {
    using melgrad::audio::RealFftPowerBatch;
    constexpr int L = RealFftPowerBatch::kLanes;
    melgrad::Rng rng(12);
    for (int n : {16, 32, 64, 128, 512, 2048, 8192}) {  // both pack paths of each build
        const BatchFrames b(n, rng);
        RealFftPowerBatch fft(n);
        std::vector<float> work(fft.work_floats());
        for (const float* const* frames : {b.overlapping, b.apart}) {
            std::vector<float> native(size_t(fft.bins()) * L), other(native.size());
            fft.power(frames, b.window.data(), native.data(), work.data());
            for (const Variant& v : kVariants) {
                CAPTURE(n);
                CAPTURE(v.name);
                CHECK(v.power(n, frames, b.window.data(), other.data()) == v.simd_pack);
                CHECK(other == native);
            }
        }
    }
}
