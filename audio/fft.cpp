// Our own FFT: see fft.h for the plan. The math of each step sits next to its loop, in plain C++ that the
// compiler vectorizes: radix-2/radix-4 stages, their cache-blocked passes, the real-FFT post-pass, then the
// three classes (ComplexFft with Bluestein for other sizes, RealFft, RealFftPowerBatch). The one part written
// with intrinsics, the SIMD pack of RealFftPowerBatch, is in audio/fft_simd.cpp; power() calls it by name.
#include "audio/fft.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "audio/fft_simd.h"

// GCC vectorizes with 256-bit registers even where the CPU has 512-bit ones (-march=icelake-server and the
// like prefer 256 bits, for the clock speed of older AVX-512 chips). The loops over kLanes = 16 lanes below
// are exactly one 512-bit vector, so here we ask for 512 bits: the radix-4 stages run ~10 % faster. Builds
// without AVX-512 ignore it.
#if defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")
#endif

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

// The batched arrays (L > 1) leave one spare vector after every 64 elements: element j of lane l sits at
// [slot(j) * L + l]. Without the gap, elements 64 apart are 4 KiB apart, and the L1 cache (64 sets of 64 bytes)
// puts everything 4 KiB apart into the same set: the four inputs of a late butterfly, or the bit-reversed
// positions the pack writes one after another, then evict each other (the pack ran twice as slow).
template <int L>
constexpr int slot(int j) {
    return L > 1 ? RealFftPowerBatch::slot(j) : j;
}
template <int L>
constexpr size_t slots(int n) {  // the floats of one array of n elements
    return size_t(slot<L>(n - 1) + 1) * L;
}

// The butterflies of an n-point FFT whose input is already in bit-reversed order, in place, on split
// arrays re/im where element j of lane l sits at [slot(j) * L + l]. With L > 1 every lane is an independent
// transform, and the innermost loop over lanes becomes SIMD.
//
// Radix-2 stage (only when log2 n is odd, first): (a, b) -> (a + b, a - b) on pairs in [begin, end).
template <int L>
void radix2_stage(float* __restrict re, float* __restrict im, int begin, int end) {
    for (int j = begin; j < end; j += 2) {
        float* r0 = re + slot<L>(j) * L;  // j even: j + 1 is the next slot
        float* i0 = im + slot<L>(j) * L;
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
            float* r = re + slot<L>(base) * L;  // base .. base + 3 are consecutive slots
            float* i = im + slot<L>(base) * L;
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
    // k runs in pieces of up to 64 in which each quarter's slots are consecutive: a block smaller than 64
    // lies in one run of 64 slots; a larger one has quarters that each start a run.
    const int piece = std::min(m, 64);
    for (int base = begin; base < end; base += 4 * m) {
        for (int k0 = 0; k0 < m; k0 += piece) {
            const int j = base + k0;
            const int o0 = slot<L>(j) * L, o1 = slot<L>(j + m) * L, o2 = slot<L>(j + 2 * m) * L, o3 = slot<L>(j + 3 * m) * L;
            for (int k = k0; k < k0 + piece; ++k) {
                const float* w = tw + 6 * k;
                const float w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3], w3r = w[4], w3i = w[5];
                float* __restrict r = re + (k - k0) * L;
                float* __restrict i = im + (k - k0) * L;
#pragma omp simd
                for (int l = 0; l < L; ++l) {
                    float b0r = r[o0 + l], b0i = i[o0 + l];
                    // B1 = W^k * (block at 2m), B2 = W^2k * (block at m), B3 = W^3k * (block at 3m);
                    // -(xi * w1i), not -xi * w1i: the same bits, and one fused multiply-subtract
                    float xr = r[o2 + l], xi = i[o2 + l];
                    float b1r = std::fma(xr, w1r, -(xi * w1i)), b1i = std::fma(xr, w1i, xi * w1r);
                    xr = r[o1 + l], xi = i[o1 + l];
                    float b2r = std::fma(xr, w2r, -(xi * w2i)), b2i = std::fma(xr, w2i, xi * w2r);
                    xr = r[o3 + l], xi = i[o3 + l];
                    float b3r = std::fma(xr, w3r, -(xi * w3i)), b3i = std::fma(xr, w3i, xi * w3r);
                    float t0r = b0r + b2r, t0i = b0i + b2i, t1r = b0r - b2r, t1i = b0i - b2i;
                    float t2r = b1r + b3r, t2i = b1i + b3i, t3r = b1r - b3r, t3i = b1i - b3i;
                    r[o0 + l] = t0r + t2r;  i[o0 + l] = t0i + t2i;   // q = 0
                    r[o1 + l] = t1r + t3i;  i[o1 + l] = t1i - t3r;   // q = 1: t1 - i t3
                    r[o2 + l] = t0r - t2r;  i[o2 + l] = t0i - t2i;   // q = 2
                    r[o3 + l] = t1r - t3i;  i[o3 + l] = t1i + t3r;   // q = 3: t1 + i t3
                }
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

// Step 1 of RealFftPowerBatch in plain loops, for builds without the SIMD pack of audio/fft_simd.cpp (which
// gives the same bits): window, pack z[j] = x[2j] + i x[2j+1] of every lane and put it in bit-reversed order.
template <int L>
void pack_plain(const float* const* frames, const float* window, const int* bitrev, int m, float* __restrict re,
                float* __restrict im) {
    for (int j = 0; j < m; ++j) {
        const int src = 2 * bitrev[j];
        const float w0 = window[src], w1 = window[src + 1];
        for (int l = 0; l < L; ++l) {
            re[slot<L>(j) * L + l] = frames[l][src] * w0;
            im[slot<L>(j) * L + l] = frames[l][src + 1] * w1;
        }
    }
}

// The post-pass of the real FFT (see RealFft) for one pair of bins j and m - j (1 <= j <= m/2, m = N/2),
// from a = Z[j] and b = Z[m-j], straight to the powers. With E = (a + conj b)/2, O = (a - conj b)/2i and
// w = e^{-2 pi i j/N}:  X[j] = E + w O  and, because E[m-j] = conj E, O[m-j] = conj O, w[m-j] = -conj w,
//   X[m-j] = conj(E - w O),
// so one E, O and w O give both bins: |X[j]|^2 = |E + wO|^2, |X[m-j]|^2 = |E - wO|^2.
// (Both come back by value: a local passed by address inside an `omp simd` loop stops GCC vectorizing it.)
struct PowerPair {
    float pj, pmj;  // |X[j]|^2, |X[m-j]|^2
};

[[gnu::always_inline]] inline PowerPair post_pass_pair(float ar, float ai, float br, float bi, Cpx w) {
    const float wr = w.re, wi = w.im;
    const float er = 0.5f * (ar + br), ei = 0.5f * (ai - bi);
    const float orr = 0.5f * (ai + bi), oi = -0.5f * (ar - br);
    const float wor = std::fma(wr, orr, -wi * oi), woi = std::fma(wr, oi, wi * orr);  // w O
    const float xr = er + wor, xi = ei + woi, yr = er - wor, yi = ei - woi;
    return {std::fma(xr, xr, xi * xi), std::fma(yr, yr, yi * yi)};
}

// Step 3 of RealFftPowerBatch: the post-pass and |X[k]|^2 of all lanes, a pair of bins (j, m - j) at a time:
// both bins from the same two loads of Z[j] and Z[m-j] and one E, O and w O (post_pass_pair).
template <int L>
void post_pass_power(const float* __restrict re, const float* __restrict im, int m, const float* post_re,
                     const float* post_im, float* __restrict power) {
#pragma omp simd
    for (int l = 0; l < L; ++l) {  // X[0] = Re Z[0] + Im Z[0], X[m] = Re Z[0] - Im Z[0]
        power[l] = (re[l] + im[l]) * (re[l] + im[l]);
        power[size_t(m) * L + l] = (re[l] - im[l]) * (re[l] - im[l]);  // slot(0) = 0
    }
    for (int j = 1; j <= m / 2; ++j) {
        const Cpx w = {post_re[j], post_im[j]};
        const float *ar = re + size_t(slot<L>(j)) * L, *ai = im + size_t(slot<L>(j)) * L;
        const float *br = re + size_t(slot<L>(m - j)) * L, *bi = im + size_t(slot<L>(m - j)) * L;
        float* pj = power + size_t(j) * L;
        float* pmj = power + size_t(m - j) * L;
        if (j < m / 2) {
#pragma omp simd
            for (int l = 0; l < L; ++l) {
                const PowerPair v = post_pass_pair(ar[l], ai[l], br[l], bi[l], w);
                pj[l] = v.pj;
                pmj[l] = v.pmj;
            }
        } else {  // j = m/2 pairs with itself
#pragma omp simd
            for (int l = 0; l < L; ++l) pj[l] = post_pass_pair(ar[l], ai[l], br[l], bi[l], w).pj;
        }
    }
}

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
size_t RealFftPowerBatch::work_floats() const { return 2 * slots<kLanes>(m_) + 15; }  // 15: see power()

RealFftPowerBatch::RealFftPowerBatch(int n) : n_(n), m_(n / 2) {
    if (!is_pow2(n) || n < 16)
        throw std::invalid_argument("RealFftPowerBatch: size must be a power of two >= 16, got " + std::to_string(n));
    bitrev_ = bit_reversal(m_);
    for (int j = 0; j < m_; ++j) pack_slot_.push_back(slot(bitrev_[j]));
    tw_ = radix4_twiddles(m_);
    post_re_.resize(m_);
    post_im_.resize(m_);
    for (int k = 0; k < m_; ++k) {
        double a = -2.0 * M_PI * k / n;
        post_re_[k] = float(std::cos(a));
        post_im_[k] = float(std::sin(a));
    }
}

void RealFftPowerBatch::power(const float* const* frames, const float* window, float* power, float* work) const {
    constexpr int L = kLanes;
    float* __restrict re = cache_line_aligned(work);
    float* __restrict im = re + slots<L>(m_);
    // 1. window, pack z[j] = x[2j] + i x[2j+1] in bit-reversed order: with the SIMD pack where this build has
    //    one (audio/fft_simd.cpp; it runs the first radix-4 stage too where it can), else with plain loops
    bool first_stage_done = false;
    if (simd_pack_available()) first_stage_done = simd_pack(frames, window, pack_slot_.data(), m_, re, im);
    else pack_plain<L>(frames, window, bitrev_.data(), m_, re, im);
    // 2. the complex FFT of size m, all lanes at once
    fft_passes<L>(re, im, m_, tw_.data(), first_stage_done);
    // 3. the post-pass (see RealFft) fused with the power |X[k]|^2
    post_pass_power<L>(re, im, m_, post_re_.data(), post_im_.data(), power);
}

}  // namespace melgrad::audio
