// One way into audio/fft.cpp as built for another instruction set. The Makefile compiles this file,
// audio/fft.cpp and audio/fft_simd.cpp once more per variant, with -march=<that set> and -Dmelgrad=<a
// namespace of its own>, so that one test binary holds the AVX-512, AVX2 and plain C++ pack paths side by
// side (tests/audio/test_fft_isa.cpp compares their bits). The entry has C linkage and a name of its own
// (MELGRAD_ISA_ENTRY), which the namespace macro leaves alone. It returns whether this variant packed with
// its SIMD pack, so the test also sees that each variant takes the path it is meant to test.
#include <vector>

#include "audio/fft.h"
#include "audio/fft_simd.h"

extern "C" bool MELGRAD_ISA_ENTRY(int n, const float* const* frames, const float* window, float* power) {
    const melgrad::audio::RealFftPowerBatch fft(n);
    std::vector<float> work(fft.work_floats());
    fft.power(frames, window, power, work.data());
    return melgrad::audio::simd_pack_available();
}
