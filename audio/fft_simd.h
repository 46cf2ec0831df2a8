// The SIMD pack of RealFftPowerBatch (step 1 of its power()), for audio/fft.cpp: the intrinsics and their
// one section per instruction set live in audio/fft_simd.cpp, so that the FFT's math in audio/fft.cpp reads
// without them. Both functions exist in every build; the pack only does something where the build targets
// AVX-512 or AVX2.
#pragma once

namespace melgrad::audio {

// Floats in one vector register of this build: 16 (AVX-512), 8 (AVX, AVX2) or 4 (SSE).
#if defined(__AVX512F__)
constexpr int kVectorFloats = 16;
#elif defined(__AVX__)
constexpr int kVectorFloats = 8;
#else
constexpr int kVectorFloats = 4;
#endif

// True when this build has a SIMD pack (compiled for AVX-512 or AVX2); otherwise RealFftPowerBatch packs
// with plain loops.
bool simd_pack_available();

// Window the RealFftPowerBatch::kLanes frames (frames[l]: the n = 2m samples of frame l), pack
// z[j] = x[2j] + i x[2j+1] and put it in bit-reversed order, lane l = frame l: z[j] of frame l goes to
// re[slot[j] * kLanes + l] and im[slot[j] * kLanes + l], where slot[j] is the bit-reversed position of j
// (log2(m) bits) in the padded layout of audio/fft.cpp; the four slots of a block that starts at a multiple
// of 4 are consecutive.
// Where log2 m is even and m >= 16 it also runs the first radix-4 stage (all twiddles 1) and returns true:
// the caller must then skip that stage. Call it only when simd_pack_available().
bool simd_pack(const float* const* frames, const float* window, const int* slot, int m, float* re, float* im);

}  // namespace melgrad::audio
