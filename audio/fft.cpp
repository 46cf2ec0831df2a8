// Our own FFT: see fft.h for the plan. The math of each step sits next to its loop.
#include "audio/fft.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#if defined(__AVX512F__) || defined(__AVX2__)
// GCC 12 warns about its own AVX-512 header (a false positive in _mm512_set1_ps & co.)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#endif
#include <string>

namespace melgrad::audio {
namespace {

bool is_pow2(int n) { return n > 0 && (n & (n - 1)) == 0; }

int log2_int(int n) {
    int p = 0;
    while ((1 << p) < n) ++p;
    return p;
}

// rev[j] = j with its log2(n) bits in reverse order: the input order of an in-place radix-2 DIT FFT.
std::vector<int> bit_reversal(int n) {
    int bits = log2_int(n);
    std::vector<int> rev(n, 0);
    for (int j = 0; j < n; ++j) {
        int r = 0;
        for (int b = 0; b < bits; ++b) r |= ((j >> b) & 1) << (bits - 1 - b);
        rev[j] = r;
    }
    return rev;
}

// Twiddles of every radix-4 stage of an n-point FFT. A stage merges four transforms of size m into one
// of size 4m and needs W^k, W^2k, W^3k for k < m, with W = e^{-2 pi i / 4m}. Computed in double.
std::vector<float> radix4_twiddles(int n) {
    std::vector<float> tw;
    int m = (log2_int(n) % 2) ? 2 : 1;  // an odd power of two starts with one radix-2 stage
    for (; 4 * m <= n; m *= 4) {
        for (int k = 0; k < m; ++k) {
            for (int r = 1; r <= 3; ++r) {
                double a = -2.0 * M_PI * double(r) * k / (4.0 * m);
                tw.push_back(float(std::cos(a)));
                tw.push_back(float(std::sin(a)));
            }
        }
    }
    return tw;
}

// The butterflies of an n-point FFT whose input is already in bit-reversed order, in place, on split
// arrays re/im where element j of lane l sits at [j * L + l]. With L > 1 every lane is an independent
// transform, and the innermost loop over lanes becomes SIMD.
//
// Radix-2 stage (only when log2 n is odd, first): (a, b) -> (a + b, a - b) on pairs in [begin, end).
template <int L>
void radix2_stage(float* __restrict re, float* __restrict im, int begin, int end) {
    for (int j = begin; j < end; j += 2) {
        float* r0 = re + j * L;
        float* i0 = im + j * L;
#pragma omp simd
        for (int l = 0; l < L; ++l) {
            float ar = r0[l], ai = i0[l], br = r0[L + l], bi = i0[L + l];
            r0[l] = ar + br;
            i0[l] = ai + bi;
            r0[L + l] = ar - br;
            i0[L + l] = ai - bi;
        }
    }
}

// Radix-4 stage merging transforms of size m into size 4m, on the blocks in [begin, end). In bit-reversed
// order a block of size 4m holds four transforms of size m, of the subsequences x[4j], x[4j+2], x[4j+1],
// x[4j+3] (in that order). With B_r the transform of x[4j+r] multiplied by W^{rk}, W = e^{-2 pi i/4m}:
//   X[k + q m] = sum_r B_r[k] (-i)^{qr},  q = 0..3.
// The complex products use fused multiply-adds: one rounding less, which keeps the quiet bins of a
// spectrum (80 dB below the peak) within 1e-3 dB of librosa's float64 result.
template <int L>
void radix4_stage(float* __restrict re, float* __restrict im, int begin, int end, int m, const float* tw) {
    if (m == 1) {  // the first stage: all twiddles are 1, so no multiplications at all
        for (int base = begin; base < end; base += 4) {
            float* r = re + base * L;
            float* i = im + base * L;
#pragma omp simd
            for (int l = 0; l < L; ++l) {
                // blocks in bit-reversed order: x0 = r[0], x2 = r[L], x1 = r[2L], x3 = r[3L]
                const float t0r = r[l] + r[L + l], t0i = i[l] + i[L + l], t1r = r[l] - r[L + l], t1i = i[l] - i[L + l];
                const float t2r = r[2 * L + l] + r[3 * L + l], t2i = i[2 * L + l] + i[3 * L + l];
                const float t3r = r[2 * L + l] - r[3 * L + l], t3i = i[2 * L + l] - i[3 * L + l];
                r[l] = t0r + t2r;          i[l] = t0i + t2i;
                r[L + l] = t1r + t3i;      i[L + l] = t1i - t3r;
                r[2 * L + l] = t0r - t2r;  i[2 * L + l] = t0i - t2i;
                r[3 * L + l] = t1r - t3i;  i[3 * L + l] = t1i + t3r;
            }
        }
        return;
    }
    for (int base = begin; base < end; base += 4 * m) {
        for (int k = 0; k < m; ++k) {
            const float* w = tw + 6 * k;
            const float w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3], w3r = w[4], w3i = w[5];
            const int o0 = (base + k) * L, o1 = o0 + m * L, o2 = o1 + m * L, o3 = o2 + m * L;
#pragma omp simd
            for (int l = 0; l < L; ++l) {
                float b0r = re[o0 + l], b0i = im[o0 + l];
                // B1 = W^k * (block at 2m), B2 = W^2k * (block at m), B3 = W^3k * (block at 3m)
                float xr = re[o2 + l], xi = im[o2 + l];
                float b1r = std::fma(xr, w1r, -xi * w1i), b1i = std::fma(xr, w1i, xi * w1r);
                xr = re[o1 + l], xi = im[o1 + l];
                float b2r = std::fma(xr, w2r, -xi * w2i), b2i = std::fma(xr, w2i, xi * w2r);
                xr = re[o3 + l], xi = im[o3 + l];
                float b3r = std::fma(xr, w3r, -xi * w3i), b3i = std::fma(xr, w3i, xi * w3r);
                float t0r = b0r + b2r, t0i = b0i + b2i, t1r = b0r - b2r, t1i = b0i - b2i;
                float t2r = b1r + b3r, t2i = b1i + b3i, t3r = b1r - b3r, t3i = b1i - b3i;
                re[o0 + l] = t0r + t2r;  im[o0 + l] = t0i + t2i;   // q = 0
                re[o1 + l] = t1r + t3i;  im[o1 + l] = t1i - t3r;   // q = 1: t1 - i t3
                re[o2 + l] = t0r - t2r;  im[o2 + l] = t0i - t2i;   // q = 2
                re[o3 + l] = t1r - t3i;  im[o3 + l] = t1i + t3r;   // q = 3: t1 + i t3
            }
        }
    }
}

// All stages. Cache blocking: the early stages only mix elements inside small blocks, so they run block
// by block on a piece that fits in the L1 cache (32 KiB: 4096 complex floats over all lanes); only the
// later stages sweep the whole array.
// first_stage_done: the caller already ran the first radix-4 stage (m = 1) while packing; even log2 n only.
template <int L>
void fft_passes(float* re, float* im, int n, const float* tw, bool first_stage_done = false) {
    constexpr int kBlock = std::max(4, 4096 / L);  // complex elements per lane in one L1-sized block
    const bool odd = log2_int(n) % 2;
    const int block = std::min(n, kBlock);
    for (int b0 = 0; b0 < n; b0 += block) {  // blocked stages: those whose output size 4m <= block
        if (odd) radix2_stage<L>(re, im, b0, b0 + block);
        const float* t = tw;
        for (int m = odd ? 2 : 1; 4 * m <= block; m *= 4) {
            if (!(first_stage_done && m == 1)) radix4_stage<L>(re, im, b0, b0 + block, m, t);
            t += 6 * m;
        }
    }
    const float* t = tw;
    int m = odd ? 2 : 1;
    for (; 4 * m <= block; m *= 4) t += 6 * m;
    for (; 4 * m <= n; m *= 4) {  // the remaining stages over the whole array
        radix4_stage<L>(re, im, 0, n, m, t);
        t += 6 * m;
    }
}

#if defined(__AVX512F__)
// Transposes the 16 x 16 block r[l] = 16 samples of frame l into r[s] = sample s of the 16 frames (each a
// 512-bit register), with the classic unpack / shuffle / shuffle_f32x4 network (64 shuffles for 256 floats).
inline void transpose16x16(__m512 r[16]) {
    __m512 t[16];
#pragma GCC unroll 16
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
#pragma GCC unroll 16
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
#pragma GCC unroll 16
    for (int h = 0; h < 16; h += 8)
#pragma GCC unroll 16
        for (int i = 0; i < 4; ++i) {
            t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
            t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
        }
#pragma GCC unroll 16
    for (int i = 0; i < 8; ++i) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
}
#elif defined(__AVX2__)
// The same for 8 x 8 floats in 256-bit registers (AVX2 machines): r[l] = 8 samples of frame l becomes
// r[s] = sample s of the 8 frames; unpack / shuffle / permute2f128, 24 shuffles for 64 floats.
inline void transpose8x8(__m256 r[8]) {
    __m256 t[8];
#pragma GCC unroll 8
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    __m256 s[8];
#pragma GCC unroll 8
    for (int i = 0; i < 8; i += 4) {
        s[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        s[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        s[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        s[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
#pragma GCC unroll 8
    for (int i = 0; i < 4; ++i) {
        r[i] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x31);
    }
}
#endif

}  // namespace

// ---------------------------------------------------------------------------------------------------
ComplexFft::ComplexFft(int n) : n_(n), pow2_(is_pow2(n)) {
    if (n < 1) throw std::invalid_argument("ComplexFft: size must be >= 1, got " + std::to_string(n));
    if (pow2_) {
        bitrev_ = bit_reversal(n);
        tw_ = radix4_twiddles(n);
        return;
    }
    // Bluestein: jk = (j^2 + k^2 - (k-j)^2) / 2, so with c[j] = e^{-i pi j^2 / n}
    //   X[k] = c[k] * sum_j (x[j] c[j]) conj(c[k-j]),
    // a convolution, done with power-of-two FFTs of size M >= 2n - 1.
    int big = 1;
    while (big < 2 * n - 1) big *= 2;
    inner_.emplace_back(big);
    chirp_.resize(n);
    for (int j = 0; j < n; ++j) {
        long long j2 = (long long)j * j % (2LL * n);  // e^{-i pi j^2/n} has period 2n in j^2: keep it exact
        double a = -M_PI * double(j2) / n;
        chirp_[j] = {float(std::cos(a)), float(std::sin(a))};
    }
    std::vector<Cpx> b(big, Cpx{0.f, 0.f});
    for (int j = 0; j < n; ++j) {
        b[j] = {chirp_[j].re, -chirp_[j].im};
        if (j > 0) b[big - j] = b[j];
    }
    chirp_fft_.resize(big);
    inner_[0].forward(b.data(), chirp_fft_.data());
}

void ComplexFft::forward(const Cpx* in, Cpx* out) const {
    if (pow2_) forward_pow2(in, out);
    else forward_bluestein(in, out);
}

void ComplexFft::forward_pow2(const Cpx* in, Cpx* out) const {
    std::vector<float> re(n_), im(n_);
    for (int j = 0; j < n_; ++j) {
        re[j] = in[bitrev_[j]].re;
        im[j] = in[bitrev_[j]].im;
    }
    fft_passes<1>(re.data(), im.data(), n_, tw_.data());
    for (int k = 0; k < n_; ++k) out[k] = {re[k], im[k]};
}

void ComplexFft::forward_bluestein(const Cpx* in, Cpx* out) const {
    const int big = inner_[0].size();
    std::vector<Cpx> a(big, Cpx{0.f, 0.f});
    for (int j = 0; j < n_; ++j) {  // a[j] = x[j] c[j]
        const Cpx x = in[j], c = chirp_[j];
        a[j] = {x.re * c.re - x.im * c.im, x.re * c.im + x.im * c.re};
    }
    inner_[0].forward(a.data(), a.data());
    // pointwise product, then the inverse FFT as conj(FFT(conj(.))) / M
    for (int k = 0; k < big; ++k) {
        const Cpx p = a[k], q = chirp_fft_[k];
        a[k] = {p.re * q.re - p.im * q.im, -(p.re * q.im + p.im * q.re)};
    }
    inner_[0].forward(a.data(), a.data());
    const float scale = 1.0f / float(big);
    for (int k = 0; k < n_; ++k) {  // X[k] = c[k] * conv[k]
        const Cpx v = {a[k].re * scale, -a[k].im * scale}, c = chirp_[k];
        out[k] = {v.re * c.re - v.im * c.im, v.re * c.im + v.im * c.re};
    }
}

// ---------------------------------------------------------------------------------------------------
// Real FFT of even N from one complex FFT of M = N/2. With z[j] = x[2j] + i x[2j+1] and Z = FFT_M(z):
//   E[k] = (Z[k] + conj(Z[M-k])) / 2          transform of the even samples
//   O[k] = (Z[k] - conj(Z[M-k])) / (2i)       transform of the odd samples
//   X[k] = E[k] + e^{-2 pi i k/N} O[k],   k = 0..M   (Z[M] = Z[0])
RealFft::RealFft(int n) : n_(n) {
    if (n < 1) throw std::invalid_argument("RealFft: size must be >= 1, got " + std::to_string(n));
    if (n % 2) {
        half_.emplace_back(n);
        return;
    }
    half_.emplace_back(n / 2);
    w_.resize(n / 2 + 1);
    for (int k = 0; k <= n / 2; ++k) {
        double a = -2.0 * M_PI * k / n;
        w_[k] = {float(std::cos(a)), float(std::sin(a))};
    }
}

void RealFft::forward(const float* x, Cpx* out) const {
    if (n_ % 2) {  // odd size: plain complex FFT of the real input
        std::vector<Cpx> z(n_);
        for (int j = 0; j < n_; ++j) z[j] = {x[j], 0.f};
        half_[0].forward(z.data(), z.data());
        for (int k = 0; k <= n_ / 2; ++k) out[k] = z[k];
        return;
    }
    const int m = n_ / 2;
    std::vector<Cpx> z(m);
    for (int j = 0; j < m; ++j) z[j] = {x[2 * j], x[2 * j + 1]};
    half_[0].forward(z.data(), z.data());
    for (int k = 0; k <= m; ++k) {
        const Cpx a = z[k % m], b = {z[(m - k) % m].re, -z[(m - k) % m].im};  // Z[k], conj(Z[M-k])
        const float er = 0.5f * (a.re + b.re), ei = 0.5f * (a.im + b.im);
        const float orr = 0.5f * (a.im - b.im), oi = -0.5f * (a.re - b.re);  // (a - b) / (2i)
        const Cpx w = w_[k];
        out[k] = {er + w.re * orr - w.im * oi, ei + w.re * oi + w.im * orr};
    }
}

// ---------------------------------------------------------------------------------------------------
RealFftPowerBatch::RealFftPowerBatch(int n) : n_(n), m_(n / 2) {
    if (!is_pow2(n) || n < 16)
        throw std::invalid_argument("RealFftPowerBatch: size must be a power of two >= 16, got " + std::to_string(n));
    bitrev_ = bit_reversal(m_);
    tw_ = radix4_twiddles(m_);
    post_re_.resize(m_);
    post_im_.resize(m_);
    for (int k = 0; k < m_; ++k) {
        double a = -2.0 * M_PI * k / n;
        post_re_[k] = float(std::cos(a));
        post_im_[k] = float(std::sin(a));
    }
}

#if defined(__AVX2__) && !defined(__AVX512F__)
// Steps 1 and the first radix-4 stage of step 2 in one go (AVX2 machines, log2 m even, m >= 16).
// In bit-reversed order, position p = bitrev(r) (r < q = m/4) starts a block of four that holds
// z[r], z[r + 2q], z[r + q], z[r + 3q]; the first stage combines exactly these four (all twiddles 1).
// So for four consecutive r we load the samples 2r, 2r + 1 at the four offsets 0, 2q, 4q, 6q of 8 frames,
// transpose them in registers, window them, do the butterflies and store four consecutive positions:
// contiguous stores instead of one scattered store per sample, and one pass over the array less.
void RealFftPowerBatch::pack_and_first_stage_avx2(const float* const* frames, const float* window, float* re,
                                                   float* im) const {
    constexpr int L = kLanes;
    const int q = m_ / 4;
    for (int s0 = 0; s0 < 2 * q; s0 += 8) {  // samples s0 .. s0 + 7 of each quarter: r = s0/2 .. s0/2 + 3
        for (int h = 0; h < L; h += 8) {     // 8 frames (lanes) at a time
            __m256 x[4][8];                   // x[g][s]: windowed sample s0 + 2qg + s of the 8 frames
#pragma GCC unroll 4
            for (int g = 0; g < 4; ++g) {
                const int off = s0 + 2 * q * g;
#pragma GCC unroll 8
                for (int l = 0; l < 8; ++l) x[g][l] = _mm256_loadu_ps(frames[h + l] + off);
                transpose8x8(x[g]);
#pragma GCC unroll 8
                for (int s = 0; s < 8; ++s) x[g][s] = _mm256_mul_ps(x[g][s], _mm256_set1_ps(window[off + s]));
            }
#pragma GCC unroll 4
            for (int t = 0; t < 4; ++t) {
                // z[r + gq] = x[g][2t] + i x[g][2t+1]; the butterfly of radix4_stage with m = 1
                const __m256 x0r = x[0][2 * t], x0i = x[0][2 * t + 1], x1r = x[1][2 * t], x1i = x[1][2 * t + 1];
                const __m256 x2r = x[2][2 * t], x2i = x[2][2 * t + 1], x3r = x[3][2 * t], x3i = x[3][2 * t + 1];
                const __m256 t0r = _mm256_add_ps(x0r, x2r), t0i = _mm256_add_ps(x0i, x2i);
                const __m256 t1r = _mm256_sub_ps(x0r, x2r), t1i = _mm256_sub_ps(x0i, x2i);
                const __m256 t2r = _mm256_add_ps(x1r, x3r), t2i = _mm256_add_ps(x1i, x3i);
                const __m256 t3r = _mm256_sub_ps(x1r, x3r), t3i = _mm256_sub_ps(x1i, x3i);
                const size_t p = size_t(bitrev_[s0 / 2 + t]) * L + h;
                _mm256_storeu_ps(re + p, _mm256_add_ps(t0r, t2r));
                _mm256_storeu_ps(im + p, _mm256_add_ps(t0i, t2i));
                _mm256_storeu_ps(re + p + L, _mm256_add_ps(t1r, t3i));      // t1 - i t3
                _mm256_storeu_ps(im + p + L, _mm256_sub_ps(t1i, t3r));
                _mm256_storeu_ps(re + p + 2 * L, _mm256_sub_ps(t0r, t2r));
                _mm256_storeu_ps(im + p + 2 * L, _mm256_sub_ps(t0i, t2i));
                _mm256_storeu_ps(re + p + 3 * L, _mm256_sub_ps(t1r, t3i));  // t1 + i t3
                _mm256_storeu_ps(im + p + 3 * L, _mm256_add_ps(t1i, t3r));
            }
        }
    }
}
#endif

void RealFftPowerBatch::power(const float* const* frames, const float* window, float* power, float* work) const {
    constexpr int L = kLanes;
    float* __restrict re = work;
    float* __restrict im = work + size_t(m_) * L;
    bool first_stage_done = false;
    // 1. window, pack z[j] = x[2j] + i x[2j+1] and put it in bit-reversed order: sample s of every frame
    //    goes to re (s even) or im (s odd) at index bitrev[s / 2], as one vector of kLanes frames.
#if defined(__AVX512F__)
    static_assert(L == 16, "the AVX-512 transpose moves 16 frames at a time");
    for (int s0 = 0; s0 < n_; s0 += 16) {  // 16 samples x 16 frames at a time, transposed in registers
        __m512 r[16];
#pragma GCC unroll 16
        for (int l = 0; l < 16; ++l) r[l] = _mm512_loadu_ps(frames[l] + s0);
        transpose16x16(r);
#pragma GCC unroll 16
        for (int s = 0; s < 16; ++s) {
            const int idx = s0 + s;
            float* dst = ((idx & 1) ? im : re) + size_t(bitrev_[idx >> 1]) * L;
            _mm512_storeu_ps(dst, _mm512_mul_ps(r[s], _mm512_set1_ps(window[idx])));
        }
    }
#elif defined(__AVX2__)
    static_assert(L % 8 == 0, "the AVX2 transpose moves 8 frames at a time");
    if (log2_int(m_) % 2 == 0 && m_ >= 16) {
        pack_and_first_stage_avx2(frames, window, re, im);
        first_stage_done = true;
    } else {
        for (int s0 = 0; s0 < n_; s0 += 8) {  // 8 samples x 8 frames at a time, transposed in registers
            for (int h = 0; h < L; h += 8) {
                __m256 r[8];
#pragma GCC unroll 8
                for (int l = 0; l < 8; ++l) r[l] = _mm256_loadu_ps(frames[h + l] + s0);
                transpose8x8(r);
#pragma GCC unroll 8
                for (int s = 0; s < 8; ++s) {
                    const int idx = s0 + s;
                    float* dst = ((idx & 1) ? im : re) + size_t(bitrev_[idx >> 1]) * L + h;
                    _mm256_storeu_ps(dst, _mm256_mul_ps(r[s], _mm256_set1_ps(window[idx])));
                }
            }
        }
    }
#else
    for (int j = 0; j < m_; ++j) {
        const int src = 2 * bitrev_[j];
        const float w0 = window[src], w1 = window[src + 1];
        for (int l = 0; l < L; ++l) {
            re[j * L + l] = frames[l][src] * w0;
            im[j * L + l] = frames[l][src + 1] * w1;
        }
    }
#endif
    // 2. the complex FFT of size m, all lanes at once
    fft_passes<L>(re, im, m_, tw_.data(), first_stage_done);
    // 3. post-pass (see RealFft) fused with the power |X[k]|^2
#pragma omp simd
    for (int l = 0; l < L; ++l) {
        const float zr = re[l], zi = im[l];
        power[l] = (zr + zi) * (zr + zi);                 // X[0] = Re Z[0] + Im Z[0]
        power[size_t(m_) * L + l] = (zr - zi) * (zr - zi);  // X[N/2] = Re Z[0] - Im Z[0]
    }
    for (int k = 1; k < m_; ++k) {
        const float wr = post_re_[k], wi = post_im_[k];
        const float* ar = re + k * L;
        const float* ai = im + k * L;
        const float* br = re + (m_ - k) * L;
        const float* bi = im + (m_ - k) * L;
        float* p = power + size_t(k) * L;
#pragma omp simd
        for (int l = 0; l < L; ++l) {
            // E = (Z[k] + conj Z[m-k]) / 2,  O = (Z[k] - conj Z[m-k]) / 2i
            const float er = 0.5f * (ar[l] + br[l]), ei = 0.5f * (ai[l] - bi[l]);
            const float orr = 0.5f * (ai[l] + bi[l]), oi = -0.5f * (ar[l] - br[l]);
            const float xr = er + std::fma(wr, orr, -wi * oi), xi = ei + std::fma(wr, oi, wi * orr);
            p[l] = std::fma(xr, xr, xi * xi);
        }
    }
}

}  // namespace melgrad::audio
