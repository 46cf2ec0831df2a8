// Inputs shared by the CPU-side tests of the CUDA backend (tests/cuda/test_cuda_index_math.cpp and
// tests/cuda/test_cuda_kernels_emulated.cpp): seeded random values and pooling geometries.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "framework/layers/pool2d.h"
#include "framework/rng.h"

namespace melgrad::cuda_test {

inline std::vector<float> random_values(size_t n, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
    Rng rng(seed);
    std::vector<float> v(n);
    for (float& x : v) x = rng.uniform(lo, hi);
    return v;
}
// Small integers: many exact ties, to test the max-pool tie rule.
inline std::vector<float> random_small_ints(size_t n, uint64_t seed) {
    Rng rng(seed);
    std::vector<float> v(n);
    for (float& x : v) x = (float)rng.below(4);
    return v;
}
// A k x k window with stride s, no padding.
inline Pool2dGeometry pool_geometry_for(int N, int C, int H, int W, int k, int s) {
    return {N, C, H, W, k, k, s, s, (H - k) / s + 1, (W - k) / s + 1};
}

}  // namespace melgrad::cuda_test
