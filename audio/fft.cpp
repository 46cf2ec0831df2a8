// Our own FFT: see fft.h for the plan. The math of each step sits next to its loop.
#include "audio/fft.h"

#include <cmath>
#include <stdexcept>
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

// All butterflies of an n-point FFT whose input is already in bit-reversed order, in place, on split
// arrays re/im where element j of lane l sits at [j * L + l]. With L > 1 every lane is an independent
// transform, and the innermost loop over lanes becomes SIMD.
template <int L>
void fft_passes(float* __restrict re, float* __restrict im, int n, const float* tw) {
    int m = 1;
    if (log2_int(n) % 2) {
        // radix-2 stage: (a, b) -> (a + b, a - b)
        for (int j = 0; j < n; j += 2) {
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
        m = 2;
    }
    // Radix-4 stages. In bit-reversed order a block of size 4m holds four transforms of size m, of the
    // subsequences x[4j], x[4j+2], x[4j+1], x[4j+3] (in that order). With B_r the transform of x[4j+r]
    // multiplied by W^{rk}:   X[k + q m] = sum_r B_r[k] (-i)^{qr},  q = 0..3.
    for (; 4 * m <= n; m *= 4) {
        for (int base = 0; base < n; base += 4 * m) {
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
        tw += 6 * m;
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
RealFftPowerBatch::RealFftPowerBatch(int n) : n_(n), m_(n / 2) {
    if (!is_pow2(n) || n < 8)
        throw std::invalid_argument("RealFftPowerBatch: size must be a power of two >= 8, got " + std::to_string(n));
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

void RealFftPowerBatch::power(const float* const* frames, const float* window, float* power, float* work) const {
    constexpr int L = kLanes;
    float* __restrict re = work;
    float* __restrict im = work + size_t(m_) * L;
    // 1. window, pack z[j] = x[2j] + i x[2j+1] and put it in bit-reversed order, all in one gather
    for (int j = 0; j < m_; ++j) {
        const int src = 2 * bitrev_[j];
        const float w0 = window[src], w1 = window[src + 1];
        for (int l = 0; l < L; ++l) {
            re[j * L + l] = frames[l][src] * w0;
            im[j * L + l] = frames[l][src + 1] * w1;
        }
    }
    // 2. the complex FFT of size m, all lanes at once
    fft_passes<L>(re, im, m_, tw_.data());
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
