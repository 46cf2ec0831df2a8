// Random numbers that are the same on every machine for the same seed.
//
// The C++ standard fixes std::mt19937's bits but *not* std::normal_distribution or
// std::uniform_real_distribution, so we write both ourselves:
//   * Rng: SplitMix64 (Steele, Lea & Flood 2014): state += 0x9E3779B97F4A7C15, then a mixing function.
//     uniform() takes the top 24 bits -> a float in [0, 1) with every value exactly representable.
//     normal() is Box-Muller on two uniforms (log/cos/sin from libm: bit-identical on one libm).
//   * counter_uniform(seed, i): a *counter-based* draw (the i-th number of stream `seed` without
//     generating the ones before it). Dropout uses it so a mask can be regenerated on the CPU or on a
//     GPU thread from (seed, element index) alone.
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define MELGRAD_HD __host__ __device__
#else
#define MELGRAD_HD
#endif

namespace melgrad {

MELGRAD_HD inline uint64_t splitmix64_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// A float in [0, 1) from the top 24 bits of a 64-bit value.
MELGRAD_HD inline float bits_to_unit_float(uint64_t bits) { return (float)(bits >> 40) * (1.0f / 16777216.0f); }

MELGRAD_HD inline float counter_uniform(uint64_t seed, uint64_t index) {
    return bits_to_unit_float(splitmix64_mix(splitmix64_mix(seed) + 0x9E3779B97F4A7C15ull * (index + 1)));
}

class Rng {
public:
    explicit Rng(uint64_t seed = 0) : state_(seed) {}
    uint64_t next_u64() { state_ += 0x9E3779B97F4A7C15ull; return splitmix64_mix(state_); }
    float uniform() { return bits_to_unit_float(next_u64()); }              // [0, 1)
    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }  // [lo, hi)
    float normal(float mean = 0.0f, float stddev = 1.0f);                     // Box-Muller
    // An integer in [0, n) without modulo bias (Lemire's multiply-shift with rejection).
    uint64_t below(uint64_t n);
    template <class T> void shuffle(T* items, uint64_t n) {  // Fisher-Yates
        for (uint64_t i = n; i > 1; i--) { uint64_t j = below(i); T t = items[i - 1]; items[i - 1] = items[j]; items[j] = t; }
    }
    uint64_t state() const { return state_; }
    void set_state(uint64_t s) { state_ = s; }

private:
    uint64_t state_;
};

}  // namespace melgrad
