// The SIMD pack of RealFftPowerBatch (see audio/fft_simd.h): window the frames, pack them as complex numbers
// and put them in bit-reversed order, and where it can, run the FFT's first radix-4 stage on the way. All
// the intrinsics of the FFT are in this file, in one section per instruction set (AVX-512, AVX2); the
// plain C++ build has no SIMD pack (the last lines) and audio/fft.cpp packs with loops instead. The tests
// build this file for every instruction set and compare the bits (tests/audio/test_fft_isa.cpp).
#include "audio/fft_simd.h"

#include <stdexcept>

#include "audio/fft.h"

#if defined(__AVX512F__) || defined(__AVX2__)
#include <cstddef>
#include <cstring>
// GCC 12 warns about its own AVX-512 header (a false positive in _mm512_set1_ps & co.)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

namespace melgrad::audio {
namespace {

// Vec holds one sample of kVecFrames frames, lane l = frame l: the layout of the FFT's arrays. GCC's vector
// types take + - * like floats (a float operand is broadcast), so the butterflies below read like scalar
// code; only the data movement needs intrinsics, a few per instruction set.
#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kVecFrames = 16;
// rows r = 0..7: samples off .. off + 7 of frame r in the low 256 bits and of frame r + 8 in the high ones;
// frame(r) is where frame r starts
template <class FramePtr>
[[gnu::always_inline]] inline void load_rows(FramePtr frame, int off, Vec x[8]) {
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r)
        x[r] = _mm512_insertf32x8(_mm512_castps256_ps512(_mm256_loadu_ps(frame(r) + off)),
                                  _mm256_loadu_ps(frame(r + 8) + off), 1);
}
inline Vec unpacklo(Vec a, Vec b) { return _mm512_unpacklo_ps(a, b); }
inline Vec unpackhi(Vec a, Vec b) { return _mm512_unpackhi_ps(a, b); }
template <int kImm>
Vec shuffle(Vec a, Vec b) { return _mm512_shuffle_ps(a, b, kImm); }
// in each 256-bit half: the low 128 bits of a and then of b / the high 128 bits of a and then of b
inline Vec low_quarters(Vec a, Vec b) {
    return _mm512_permutex2var_ps(a, _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27), b);
}
inline Vec high_quarters(Vec a, Vec b) {
    return _mm512_permutex2var_ps(a, _mm512_setr_epi32(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31), b);
}
#else
using Vec = __m256;
constexpr int kVecFrames = 8;
template <class FramePtr>
[[gnu::always_inline]] inline void load_rows(FramePtr frame, int off, Vec x[8]) {  // row r: frame r
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) x[r] = _mm256_loadu_ps(frame(r) + off);
}
inline Vec unpacklo(Vec a, Vec b) { return _mm256_unpacklo_ps(a, b); }
inline Vec unpackhi(Vec a, Vec b) { return _mm256_unpackhi_ps(a, b); }
template <int kImm>
Vec shuffle(Vec a, Vec b) { return _mm256_shuffle_ps(a, b, kImm); }
inline Vec low_quarters(Vec a, Vec b) { return _mm256_permute2f128_ps(a, b, 0x20); }
inline Vec high_quarters(Vec a, Vec b) { return _mm256_permute2f128_ps(a, b, 0x31); }
#endif
inline void store(float* p, Vec v) { std::memcpy(p, &v, sizeof v); }  // one unaligned vector store

// A 4 x 4 transpose inside every 128-bit lane: rows r[0..3] in, columns x[0..3] out (unpack pairs of rows,
// then shuffle pairs of pairs; 8 shuffles).
[[gnu::always_inline]] inline void transpose4_in_lanes(const Vec r[4], Vec x[4]) {
    const Vec t0 = unpacklo(r[0], r[1]), t1 = unpackhi(r[0], r[1]), t2 = unpacklo(r[2], r[3]), t3 = unpackhi(r[2], r[3]);
    x[0] = shuffle<_MM_SHUFFLE(1, 0, 1, 0)>(t0, t2);
    x[1] = shuffle<_MM_SHUFFLE(3, 2, 3, 2)>(t0, t2);
    x[2] = shuffle<_MM_SHUFFLE(1, 0, 1, 0)>(t1, t3);
    x[3] = shuffle<_MM_SHUFFLE(3, 2, 3, 2)>(t1, t3);
}

// Samples off .. off + 7 of frames 0 .. kVecFrames - 1 (frame(r) points at frame r), transposed: x[s] =
// sample off + s of every frame. The classic 8 x 8 network (in each 256-bit half with AVX-512): two 4 x 4
// transposes in the 128-bit lanes, then swap 128-bit quarters; 24 shuffles.
template <class FramePtr>
[[gnu::always_inline]] inline void load_transposed(FramePtr frame, int off, Vec x[8]) {
    load_rows(frame, off, x);
    Vec u[8];
    transpose4_in_lanes(x, u);
    transpose4_in_lanes(x + 4, u + 4);
#pragma GCC unroll 8
    for (int i = 0; i < 4; ++i) {
        x[i] = low_quarters(u[i], u[i + 4]);
        x[i + 4] = high_quarters(u[i], u[i + 4]);
    }
}

// pack_and_first_stage_simd holds four quarters x kPackSamples vectors at a time: 4 x 8 with AVX-512's 32
// vector registers, 4 x 4 with AVX2's 16 (4 x 8 there spilled to the stack: 6-8 % slower FFT).
#if defined(__AVX512F__)
constexpr int kPackSamples = 8;
template <class FramePtr>
[[gnu::always_inline]] inline void load_pack_samples(FramePtr frame, int off, Vec x[8]) {
    load_transposed(frame, off, x);
}
#else
constexpr int kPackSamples = 4;
// Samples off .. off + 3 of frames 0..7, transposed: rows r = 0..3 hold frame r (low 128 bits) and frame
// r + 4 (high), then one 4 x 4 transpose in each half.
template <class FramePtr>
[[gnu::always_inline]] inline void load_pack_samples(FramePtr frame, int off, Vec x[4]) {
    Vec r[4];
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i)
        r[i] = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(frame(i) + off)), _mm_loadu_ps(frame(i + 4) + off), 1);
    transpose4_in_lanes(r, x);
}
#endif

// Window, pack z[j] = x[2j] + i x[2j+1] and put it in bit-reversed order: sample s of every frame goes to
// re (s even) or im (s odd) at slot[s / 2], as one vector of L frames. 8 samples x kVecFrames
// frames at a time, transposed in registers.
template <int L>
void pack_simd(const float* const* frames, const float* window, const int* slot, int n, float* re, float* im) {
    static_assert(L % kVecFrames == 0, "a batch is a whole number of vectors");
    for (int s0 = 0; s0 < n; s0 += 8) {
        for (int h = 0; h < L; h += kVecFrames) {
            Vec x[8];
            load_transposed([&](int r) { return frames[h + r]; }, s0, x);
#pragma GCC unroll 8
            for (int s = 0; s < 8; ++s) {
                const int idx = s0 + s;
                store(((idx & 1) ? im : re) + size_t(slot[idx >> 1]) * L + h, x[s] * window[idx]);
            }
        }
    }
}

#if defined(__AVX512F__)
// The four quarters of pack_and_first_stage_simd when the 16 frames are consecutive frames of one signal
// with hop = a quarter frame (librosa's default hop, n_fft / 4): then frame l + g starts where quarter g of
// frame l does, so quarter g of all frames is quarter 0 shifted by g frames. With
//   c[s] = sample off + s of frames 0..15  and  d[s] = the same of frames 16, 17, 18 (the samples lie in
//   frame 15's last three quarters),
// x[g][s] = lanes g .. g + 15 of (c[s], d[s]): one valignd instead of a transpose of its own, and the
// frames are read once instead of four times. f0 = frames[0], hop = the quarter, in samples.
[[gnu::always_inline]] inline void overlapping_quarters(const float* f0, int hop, int off, Vec x[4][8]) {
    load_transposed([&](int r) { return f0 + size_t(r) * hop; }, off, x[0]);
    // d[s] = (row 16, row 17, row 18 at sample off + s, ...): permute two vectors [row 16 | row 17], [row 18 | -]
    const Vec a = _mm512_insertf32x8(_mm512_castps256_ps512(_mm256_loadu_ps(f0 + 16 * size_t(hop) + off)),
                                     _mm256_loadu_ps(f0 + 17 * size_t(hop) + off), 1);
    const Vec b = _mm512_castps256_ps512(_mm256_loadu_ps(f0 + 18 * size_t(hop) + off));
#pragma GCC unroll 8
    for (int s = 0; s < 8; ++s) {
        const Vec d = _mm512_permutex2var_ps(a, _mm512_setr_epi32(s, 8 + s, 16 + s, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), b);
        const __m512i c = _mm512_castps_si512(x[0][s]), di = _mm512_castps_si512(d);
        x[1][s] = _mm512_castsi512_ps(_mm512_alignr_epi32(di, c, 1));
        x[2][s] = _mm512_castsi512_ps(_mm512_alignr_epi32(di, c, 2));
        x[3][s] = _mm512_castsi512_ps(_mm512_alignr_epi32(di, c, 3));
    }
}
#endif

// x[g][s] = sample off + 2q g + s of frames h .. h + kVecFrames - 1, for the four quarters g = 0..3 that
// pack_and_first_stage_simd combines. overlapping: the frames are consecutive frames at hop 2q, which only
// AVX-512 (16 frames in one vector) turns into fewer loads.
[[gnu::always_inline]] inline void load_quarters(const float* const* frames, int h, int q, int off, bool overlapping,
                                                 Vec x[4][kPackSamples]) {
#if defined(__AVX512F__)
    if (overlapping) {
        overlapping_quarters(frames[0], 2 * q, off, x);
        return;
    }
#endif
#pragma GCC unroll 4
    for (int g = 0; g < 4; ++g) load_pack_samples([&](int r) { return frames[h + r]; }, off + 2 * q * g, x[g]);
}

// The pack and the first radix-4 stage in one go (log2 m even, m >= 16). In bit-reversed order, position
// bitrev(r) (r < q = m/4, at slot[r]) starts a block of four that holds z[r], z[r + 2q], z[r + q], z[r + 3q]; the
// first stage combines exactly these four (all twiddles 1). So for kPackSamples / 2 consecutive r we load the
// samples 2r, 2r + 1 at the four offsets 0, 2q, 4q, 6q, transpose them in registers, window them, do the
// butterflies and store consecutive positions: contiguous stores instead of one scattered store per
// sample, and one pass over the array less.
template <int L>
void pack_and_first_stage_simd(const float* const* frames, const float* window, const int* slot, int m, float* re,
                               float* im) {
    const int q = m / 4;
    // frames[l] = frames[0] + l * 2q (hop = n/4) and all in one vector (AVX-512): overlapping_quarters
    bool overlapping = L == kVecFrames;
    for (int l = 1; l < L; ++l) overlapping = overlapping && frames[l] == frames[0] + size_t(l) * 2 * q;
    constexpr int S = kPackSamples;
    for (int s0 = 0; s0 < 2 * q; s0 += S) {  // samples s0 .. s0 + S-1 of each quarter: r = s0/2 .. s0/2 + S/2-1
        for (int h = 0; h < L; h += kVecFrames) {
            Vec x[4][S];  // x[g][s]: sample s0 + 2qg + s of the frames h .., windowed below
            load_quarters(frames, h, q, s0, overlapping, x);
#pragma GCC unroll 4
            for (int g = 0; g < 4; ++g)
#pragma GCC unroll 8
                for (int s = 0; s < S; ++s) x[g][s] = x[g][s] * window[s0 + 2 * q * g + s];
#pragma GCC unroll 4
            for (int t = 0; t < S / 2; ++t) {
                // z[r + gq] = x[g][2t] + i x[g][2t+1]; the butterfly of radix4_stage with m = 1
                const Vec x0r = x[0][2 * t], x0i = x[0][2 * t + 1], x1r = x[1][2 * t], x1i = x[1][2 * t + 1];
                const Vec x2r = x[2][2 * t], x2i = x[2][2 * t + 1], x3r = x[3][2 * t], x3i = x[3][2 * t + 1];
                const Vec t0r = x0r + x2r, t0i = x0i + x2i, t1r = x0r - x2r, t1i = x0i - x2i;
                const Vec t2r = x1r + x3r, t2i = x1i + x3i, t3r = x1r - x3r, t3i = x1i - x3i;
                const size_t p = size_t(slot[s0 / 2 + t]) * L + h;  // the block's four slots are consecutive
                store(re + p, t0r + t2r);
                store(im + p, t0i + t2i);
                store(re + p + L, t1r + t3i);  // t1 - i t3
                store(im + p + L, t1i - t3r);
                store(re + p + 2 * L, t0r - t2r);
                store(im + p + 2 * L, t0i - t2i);
                store(re + p + 3 * L, t1r - t3i);  // t1 + i t3
                store(im + p + 3 * L, t1i + t3r);
            }
        }
    }
}

}  // namespace

bool simd_pack_available() { return true; }

bool simd_pack(const float* const* frames, const float* window, const int* slot, int m, float* re, float* im) {
    constexpr int L = RealFftPowerBatch::kLanes;
    const bool log2_m_even = (__builtin_ctz(unsigned(m)) % 2) == 0;  // m is a power of two
    if (log2_m_even && m >= 16) {
        pack_and_first_stage_simd<L>(frames, window, slot, m, re, im);
        return true;
    }
    pack_simd<L>(frames, window, slot, 2 * m, re, im);
    return false;
}

}  // namespace melgrad::audio

#else  // no SIMD pack in this build: audio/fft.cpp packs with plain loops

namespace melgrad::audio {

bool simd_pack_available() { return false; }

bool simd_pack(const float* const*, const float*, const int*, int, float*, float*) {
    throw std::logic_error("simd_pack: this build has no SIMD pack (check simd_pack_available() first)");
}

}  // namespace melgrad::audio

#endif
