// exp, log and sin written with + - * / only, so every machine computes the same bits.
//
// The C library's exp/sin/pow are accurate but not guaranteed *correctly rounded*: glibc picks an FMA or a
// non-FMA variant at run time depending on the CPU, and versions differ, so the last bit of a result can change
// from machine to machine, and through a filter that one bit can flip a 16-bit sample. The synthetic data set
// must be byte-identical everywhere, so the generator uses these instead. IEEE-754 + - * / and sqrt are exactly
// rounded, and with -ffp-contract=off (see the Makefile) the compiler does not fuse them: same inputs, same bits.
// Accuracy is about 1e-15 relative, far below what a float or a 16-bit sample can show.
#pragma once
#include <cmath>

namespace melgrad::synth {

constexpr double kLn2 = 0.69314718055994530942;
constexpr double kLn10 = 2.30258509299404568402;
constexpr double kPi = 3.14159265358979323846;

// e^x = 2^k e^r with k = round(x / ln 2) and |r| <= ln(2) / 2; e^r from its Taylor series (15 terms, Horner).
// ln 2 is split in a high part with trailing zero bits and a low part (Cody & Waite), so k ln2_hi is exact.
inline double portable_exp(double x) {
    if (x < -745.0) return 0.0;
    if (x > 709.0) x = 709.0;
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double k = std::floor(x / kLn2 + 0.5);
    const double r = (x - k * ln2_hi) - k * ln2_lo;
    static const double inv[15] = {1.0,       1.0 / 2,   1.0 / 3,  1.0 / 4,  1.0 / 5,  1.0 / 6,  1.0 / 7, 1.0 / 8,
                                   1.0 / 9,   1.0 / 10,  1.0 / 11, 1.0 / 12, 1.0 / 13, 1.0 / 14, 1.0 / 15};
    double s = 1.0;
    for (int n = 14; n >= 0; n--) s = 1.0 + s * r * inv[n];  // 1 + r (1 + r/2 (1 + r/3 (...)))
    return std::ldexp(s, (int)k);                              // exact scaling by 2^k
}

// 2^x and 10^x.
inline double portable_exp2(double x) { return portable_exp(x * kLn2); }
inline double portable_exp10(double x) { return portable_exp(x * kLn10); }

// ln x = e ln 2 + ln m with x = m 2^e, m in [1/sqrt2, sqrt2); ln m = 2 atanh(t), t = (m - 1) / (m + 1), |t| < 0.18.
inline double portable_log(double x) {
    if (!(x > 0.0)) return -1e300;
    int e = 0;
    double m = std::frexp(x, &e);  // exact
    if (m < 0.70710678118654752) { m *= 2.0; e--; }
    const double t = (m - 1.0) / (m + 1.0), t2 = t * t;
    double sum = 0.0, p = t;
    for (int n = 1; n <= 25; n += 2) { sum += p / n; p *= t2; }
    return 2.0 * sum + e * kLn2;
}

// sin x: reduce to [-pi, pi] (fine for |x| up to ~1e6, all the generator needs), fold to [-pi/2, pi/2], then the
// Taylor series x - x^3/3! + x^5/5! ... to x^23 (error < 1e-16 at pi/2).
inline double portable_sin(double x) {
    x -= 2.0 * kPi * std::floor(x / (2.0 * kPi) + 0.5);
    if (x > kPi / 2) x = kPi - x;
    if (x < -kPi / 2) x = -kPi - x;
    const double x2 = x * x;
    double term = x, sum = x;
    for (int n = 1; n <= 11; n++) {
        term *= -x2 / (double)((2 * n) * (2 * n + 1));
        sum += term;
    }
    return sum;
}

}  // namespace melgrad::synth
