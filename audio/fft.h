// Our own FFT, no library. Three layers, each built on the one before:
//
//   ComplexFft  any size n:  X[k] = sum_j x[j] e^{-2 pi i jk/n}
//               n a power of two: iterative radix-4 (one radix-2 stage when log2 n is odd), twiddles
//               precomputed per stage; other n: Bluestein's chirp-z trick turns the DFT into a
//               convolution of power-of-two size.
//   RealFft     any size N, real input, outputs bins k = 0..N/2 (the rest are conjugates).
//               N even: one complex FFT of N/2 on z[j] = x[2j] + i x[2j+1] plus an O(N) post-pass.
//   RealFftPowerBatch  the fast path of the STFT: |X[k]|^2 of kLanes frames at once. Every float in
//               the radix-4 loops is a vector of kLanes frames ("lanes"), so the compiler turns each
//               scalar-looking line into one SIMD instruction and no shuffles are needed. Only bringing
//               the frames into that layout uses intrinsics: audio/fft_simd.cpp (AVX-512, AVX2). Its
//               arrays start at a cache line and skip one line every 64 elements (slot()), and its last
//               radix-4 stage runs fused with the RealFft post-pass and the powers.
//
// Complex arithmetic is written by hand on split re/im arrays (std::complex multiplication checks for
// NaN/inf and is slow without -fcx-limited-range).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace melgrad::audio {

struct Cpx {
    float re, im;
};

class ComplexFft {
public:
    explicit ComplexFft(int n);
    int size() const { return n_; }
    // out[k] = sum_j in[j] e^{-2 pi i jk/n}; in and out may be the same array.
    void forward(const Cpx* in, Cpx* out) const;

private:
    int n_ = 0;
    bool pow2_ = false;
    // power-of-two plan
    std::vector<int> bitrev_;     // input permutation (bit reversal)
    std::vector<float> tw_;       // per radix-4 stage: for k < m, (W^k, W^2k, W^3k) as re/im pairs
    // Bluestein plan: chirp c[j] = e^{-i pi j^2 / n}, FFT of the conjugate chirp, inner power-of-two plan
    std::vector<Cpx> chirp_, chirp_fft_;
    std::vector<ComplexFft> inner_;  // one element (vector so the type can be incomplete here)
    void forward_pow2(const Cpx* in, Cpx* out) const;
    void forward_bluestein(const Cpx* in, Cpx* out) const;
};

class RealFft {
public:
    explicit RealFft(int n);
    int size() const { return n_; }
    // out[k], k = 0..n/2: the non-redundant half of the DFT of the real input x[0..n).
    void forward(const float* x, Cpx* out) const;

private:
    int n_ = 0;
    std::vector<ComplexFft> half_;  // FFT of size n/2 (n even) or n (n odd)
    std::vector<Cpx> w_;           // post-pass twiddles e^{-2 pi i k / n}, k <= n/4 .. n/2
};

// Power spectra of kLanes real frames at once; n a power of two, n >= 16.
class RealFftPowerBatch {
public:
    static constexpr int kLanes = 16;
    explicit RealFftPowerBatch(int n);
    int size() const { return n_; }
    int bins() const { return n_ / 2 + 1; }
    // frames[l] points at n samples of frame l (l < kLanes); window has n values.
    // power[k * kLanes + l] = |DFT(window * frame_l)[k]|^2 for k = 0..n/2.
    // work must hold work_floats() floats, at any alignment (power() starts its arrays at a cache line
    // inside it). power is fastest at a cache line (cache_line_aligned).
    void power(const float* const* frames, const float* window, float* power, float* work) const;
    size_t work_floats() const;
    // Where element j of the FFT's arrays lies, in vectors of kLanes floats: one spare vector after every 64
    // elements (see audio/fft.cpp). The four elements of a block that starts at a multiple of 4 stay consecutive.
    static constexpr int slot(int j) { return j + (j >> 6); }

private:
    int n_ = 0, m_ = 0;            // m = n/2, the complex FFT size
    std::vector<int> bitrev_;      // bit reversal of log2(m) bits
    std::vector<int> pack_slot_;   // where the pack puts z[j]: slot(bitrev[j]) (see fft.cpp)
    std::vector<float> tw_;        // like ComplexFft
    std::vector<float> post_re_, post_im_;  // e^{-2 pi i k / n}, k < m
};

// p rounded up to the next 64-byte boundary; the caller leaves 15 spare floats behind p. With a 16-lane
// vector (64 bytes) at every multiple of 16 floats, an aligned array never has a vector that straddles two
// cache lines: such a load or store costs two, and the radix-4 stages ran 1.5x slower in memory from
// std::vector (16-byte aligned).
inline float* cache_line_aligned(float* p) {
    return reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(p) + 63) & ~std::uintptr_t(63));
}

}  // namespace melgrad::audio
