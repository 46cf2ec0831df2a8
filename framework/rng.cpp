#include "framework/rng.h"

#include <cmath>

namespace melgrad {

float Rng::normal(float mean, float stddev) {
    // Box-Muller: for u1, u2 uniform in (0, 1], sqrt(-2 ln u1) cos(2 pi u2) is a standard normal.
    // We draw one pair per call and use the cosine half only: simple, and stateless between calls.
    double u1 = 1.0 - (double)uniform();  // (0, 1]: log(0) never happens
    double u2 = (double)uniform();
    double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    return mean + stddev * (float)z;
}

uint64_t Rng::below(uint64_t n) {
    if (n == 0) return 0;
    // Rejection sampling on the top bits: take the value modulo n only from the largest multiple of n.
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do { x = next_u64(); } while (x >= limit);
    return x % n;
}

}  // namespace melgrad
