// Our own FFT: see fft.h for the plan. The math of each step sits next to its loop, in plain C++ that the
// compiler vectorizes: radix-2/radix-4 stages, their cache-blocked passes, the real-FFT post-pass fused with
// the last radix-4 stage, then the three classes (ComplexFft with Bluestein for other sizes, RealFft,
// RealFftPowerBatch). The one part written with intrinsics, the SIMD pack of RealFftPowerBatch, is in
// audio/fft_simd.cpp; power() calls it by name.
#include "audio/fft.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "audio/fft_simd.h"

// GCC vectorizes with 256-bit registers even where the CPU has 512-bit ones (-march=icelake-server and the
// like prefer 256 bits, for the clock speed of older AVX-512 chips). The loops over kLanes = 16 lanes below
// are exactly one 512-bit vector, so here we ask for 512 bits: the mel spectrogram ran 7 % faster. Builds
// without AVX-512 do not see it.
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

// Four complex values: the quarters s = 0..3 of a radix-4 block, or the four outputs X[k + s m].
struct Quad {
    float r0, i0, r1, i1, r2, i2, r3, i3;
};

// The radix-4 butterfly (see radix4_stage) of one lane: a = the four inputs as they lie in the block (quarter
// s at offset s m), w = W^k, W^2k, W^3k as re/im pairs. Returns X[k + s m], s = 0..3. (Quad by value: a local
// passed by address inside an `omp simd` loop stops GCC vectorizing it.)
// The complex products use fused multiply-adds: one rounding less, which keeps the quiet bins of a
// spectrum (80 dB below the peak) within 1e-3 dB of librosa's float64 result. -(xi * wi), not -xi * wi:
// the same bits, and one fused multiply-subtract.
[[gnu::always_inline]] inline Quad butterfly4(Quad a, const float* w) {
    // B1 = W^k * (quarter 2), B2 = W^2k * (quarter 1), B3 = W^3k * (quarter 3)
    const float b1r = std::fma(a.r2, w[0], -(a.i2 * w[1])), b1i = std::fma(a.r2, w[1], a.i2 * w[0]);
    const float b2r = std::fma(a.r1, w[2], -(a.i1 * w[3])), b2i = std::fma(a.r1, w[3], a.i1 * w[2]);
    const float b3r = std::fma(a.r3, w[4], -(a.i3 * w[5])), b3i = std::fma(a.r3, w[5], a.i3 * w[4]);
    const float t0r = a.r0 + b2r, t0i = a.i0 + b2i, t1r = a.r0 - b2r, t1i = a.i0 - b2i;
    const float t2r = b1r + b3r, t2i = b1i + b3i, t3r = b1r - b3r, t3i = b1i - b3i;
    return {t0r + t2r, t0i + t2i,    // s = 0
            t1r + t3i, t1i - t3r,    // s = 1: t1 - i t3
            t0r - t2r, t0i - t2i,    // s = 2
            t1r - t3i, t1i + t3r};   // s = 3: t1 + i t3
}

// Radix-4 stage merging transforms of size m into size 4m, on the blocks in [begin, end). In bit-reversed
// order a block of size 4m holds four transforms of size m, of the subsequences x[4j], x[4j+2], x[4j+1],
// x[4j+3] (in that order). With B_r the transform of x[4j+r] multiplied by W^{rk}, W = e^{-2 pi i/4m}:
//   X[k + s m] = sum_r B_r[k] (-i)^{sr},  s = 0..3.
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
            const int o0 = slot<L>(j) * L, o1 = slot<L>(j + m) * L;
            const int o2 = slot<L>(j + 2 * m) * L, o3 = slot<L>(j + 3 * m) * L;
            for (int k = k0; k < k0 + piece; ++k) {
                const float* w = tw + 6 * k;
                float* __restrict r = re + (k - k0) * L;
                float* __restrict i = im + (k - k0) * L;
#pragma omp simd
                for (int l = 0; l < L; ++l) {
                    const Quad x = butterfly4({r[o0 + l], i[o0 + l], r[o1 + l], i[o1 + l], r[o2 + l], i[o2 + l],
                                               r[o3 + l], i[o3 + l]}, w);
                    r[o0 + l] = x.r0;  i[o0 + l] = x.i0;
                    r[o1 + l] = x.r1;  i[o1 + l] = x.i1;
                    r[o2 + l] = x.r2;  i[o2 + l] = x.i2;
                    r[o3 + l] = x.r3;  i[o3 + l] = x.i3;
                }
            }
        }
    }
}

// All stages. Cache blocking: the early stages only mix elements inside small blocks, so they run block
// by block on a piece that fits in the L1 cache (32 KiB: 4096 complex floats over all lanes); only the
// later stages sweep the whole array.
// first_stage_done: the caller already ran the first radix-4 stage (m = 1) while packing; even log2 n only.
// last_stage = false leaves out the last stage (m = n/4), which RealFftPowerBatch fuses with its post-pass.
template <int L>
void fft_passes(float* re, float* im, int n, const float* tw, bool first_stage_done = false, bool last_stage = true) {
    constexpr int kBlock = std::max(4, 4096 / L);  // complex elements per lane in one L1-sized block
    const bool odd = log2_int(n) % 2;
    const int block = std::min(n, kBlock);
    const int end = last_stage ? n : n / 4;  // the stages whose output size 4m <= end
    for (int b0 = 0; b0 < n; b0 += block) {  // blocked stages: those whose output size 4m <= block
        if (odd) radix2_stage<L>(re, im, b0, b0 + block);
        const float* t = tw;
        for (int m = odd ? 2 : 1; 4 * m <= std::min(block, end); m *= 4) {
            if (!(first_stage_done && m == 1)) radix4_stage<L>(re, im, b0, b0 + block, m, t);
            t += 6 * m;
        }
    }
    const float* t = tw;
    int m = odd ? 2 : 1;
    for (; 4 * m <= block; m *= 4) t += 6 * m;
    for (; 4 * m <= end; m *= 4) {  // the remaining stages over the whole array
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

// The outputs X[k + s q], s = 0..3, of butterfly k of the radix-4 stage with m = q that merges the whole
// array (its one block starts at 0), for lane l.
template <int L>
[[gnu::always_inline]] inline Quad last_butterfly(const float* re, const float* im, int q, int k, const float* tw,
                                                  int l) {
    const int o0 = slot<L>(k) * L + l, o1 = slot<L>(k + q) * L + l, o2 = slot<L>(k + 2 * q) * L + l,
              o3 = slot<L>(k + 3 * q) * L + l;
    return butterfly4({re[o0], im[o0], re[o1], im[o1], re[o2], im[o2], re[o3], im[o3]}, tw + 6 * k);
}

// |X[j]|^2 and |X[m - j]|^2 of lane l from a = Z[j] and b = Z[m - j] (post_pass_pair), into power.
template <int L>
[[gnu::always_inline]] inline void store_power_pair(float* power, int m, int j, float ar, float ai, float br, float bi,
                                                    const float* post_re, const float* post_im, int l) {
    const PowerPair v = post_pass_pair(ar, ai, br, bi, {post_re[j], post_im[j]});
    power[size_t(j) * L + l] = v.pj;
    power[size_t(m - j) * L + l] = v.pmj;
}

// Steps 2b and 3 of RealFftPowerBatch in one pass over the arrays: the FFT's last radix-4 stage (four
// transforms of size q = m/4 into the whole transform Z of size m), the post-pass and |X[k]|^2 of all lanes,
// without storing Z. Butterfly k of that stage gives Z[k + s q], s = 0..3, and the post-pass pairs Z[j]
// with Z[m - j], where
//   m - (k + s q) = (q - k) + (3 - s) q:
// an output of butterfly q - k. So butterflies k and q - k run together, and their eight outputs give bins
// k, k + q, q - k, 2q - k and their mirrors m - j. Butterflies 0 and q/2 are their own partners.
template <int L>
void last_stage_power(const float* __restrict re, const float* __restrict im, int m, const float* tw,
                      const float* post_re, const float* post_im, float* __restrict power) {
    const int q = m / 4;  // m >= 8: q >= 2
#pragma omp simd
    for (int l = 0; l < L; ++l) {  // butterfly 0: bins 0 and m (X[0] = Re Z[0] + Im Z[0], X[m] = Re Z[0] - Im Z[0]),
        const Quad x = last_butterfly<L>(re, im, q, 0, tw, l);  // q with 3q, and m/2 = 2q with itself
        power[l] = (x.r0 + x.i0) * (x.r0 + x.i0);
        power[size_t(m) * L + l] = (x.r0 - x.i0) * (x.r0 - x.i0);
        store_power_pair<L>(power, m, q, x.r1, x.i1, x.r3, x.i3, post_re, post_im, l);
        power[size_t(2 * q) * L + l] = post_pass_pair(x.r2, x.i2, x.r2, x.i2, {post_re[2 * q], post_im[2 * q]}).pj;
    }
#pragma omp simd
    for (int l = 0; l < L; ++l) {  // butterfly q/2: bins q/2 with 3q + q/2, and q + q/2 with 2q + q/2
        const Quad x = last_butterfly<L>(re, im, q, q / 2, tw, l);
        store_power_pair<L>(power, m, q / 2, x.r0, x.i0, x.r3, x.i3, post_re, post_im, l);
        store_power_pair<L>(power, m, q + q / 2, x.r1, x.i1, x.r2, x.i2, post_re, post_im, l);
    }
    // one vector register of lanes at a time: with AVX2's 16 registers, the two butterflies and four bin pairs
    // of all 16 lanes at once (two registers per value) spill; the AVX2 build was then 4-5 % slower than with
    // the last stage and the post-pass apart, and is ~2 % slower this way (AVX-512: 10 % faster either way)
    for (int k = 1; k < q / 2; ++k) {
        for (int l0 = 0; l0 < L; l0 += kVectorFloats)
#pragma omp simd
        for (int l = l0; l < l0 + kVectorFloats; ++l) {
            const Quad x = last_butterfly<L>(re, im, q, k, tw, l), y = last_butterfly<L>(re, im, q, q - k, tw, l);
            // bin j from Z[j] and its mirror m - j (the comment) from Z[m - j]
            store_power_pair<L>(power, m, k, x.r0, x.i0, y.r3, y.i3, post_re, post_im, l);          // (q-k) + 3q
            store_power_pair<L>(power, m, k + q, x.r1, x.i1, y.r2, y.i2, post_re, post_im, l);      // (q-k) + 2q
            store_power_pair<L>(power, m, q - k, y.r0, y.i0, x.r3, x.i3, post_re, post_im, l);      // k + 3q
            store_power_pair<L>(power, m, 2 * q - k, y.r1, y.i1, x.r2, x.i2, post_re, post_im, l);  // k + 2q
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
    // 2. the complex FFT of size m, all lanes at once, but for its last radix-4 stage (m/4 -> m)...
    fft_passes<L>(re, im, m_, tw_.data(), first_stage_done, /*last_stage=*/false);
    // 3. ... which runs fused with the post-pass (see RealFft) and the power |X[k]|^2; its twiddles are the
    //    last 6 m/4 floats of tw_
    const float* last_tw = tw_.data() + tw_.size() - 6 * size_t(m_ / 4);
    last_stage_power<L>(re, im, m_, last_tw, post_re_.data(), post_im_.data(), power);
}

}  // namespace melgrad::audio
