// The index math and per-element bodies of our CUDA kernels, as __host__ __device__ functions so that the
// CPU tests (tests/cuda/test_cuda_index_math.cpp) can check them against the CPU layers on machines with no
// GPU. A kernel is then only "which thread does which element" around one of these calls.
#pragma once
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "framework/layers/pool2d.h"
#include "framework/rng.h"  // MELGRAD_HD, counter_uniform

namespace melgrad::cuda {

// ---- per-channel reductions (BatchNorm statistics, bias gradients) -----------------------------------
// Channel c of an (N, C, HW) tensor has m = N*HW elements; its j-th element (j = n*HW + i) is at
//   ((n*C + c)*HW + i).
MELGRAD_HD inline size_t channel_offset(size_t j, int c, int C, int HW) {
    size_t n = j / (size_t)HW, i = j % (size_t)HW;
    return (n * (size_t)C + (size_t)c) * (size_t)HW + i;
}

// A channel is split into `splits` contiguous ranges of j, one thread block each; every block writes one
// partial sum, and a second kernel adds the partials in split order. No atomics: the result is the same in
// every run (deterministic), and the sum is in double, as on the CPU.
constexpr int kReduceThreads = 256;
constexpr int kMaxSplits = 128;
MELGRAD_HD inline int reduction_splits(size_t m) {
    size_t per_block = (size_t)kReduceThreads * 16;  // at least ~16 elements per thread
    size_t s = (m + per_block - 1) / per_block;
    if (s < 1) s = 1;
    if (s > (size_t)kMaxSplits) s = kMaxSplits;
    return (int)s;
}
// The range [*begin, *end) of j handled by split s of `splits`.
MELGRAD_HD inline void split_range(size_t m, int splits, int s, size_t* begin, size_t* end) {
    size_t chunk = (m + (size_t)splits - 1) / (size_t)splits;
    size_t b = (size_t)s * chunk, e = b + chunk;
    *begin = b < m ? b : m;
    *end = e < m ? e : m;
}

// Bias of an NCHW output element i (bias add for Conv2d; Linear is the case PQ = 1).
MELGRAD_HD inline int bias_channel(size_t i, int K, int PQ) { return (int)((i / (size_t)PQ) % (size_t)K); }

// ---- pooling (no padding; window kh x kw, stride sh x sw) -------------------------------------------
// The outputs p whose window [p*s, p*s + k) contains input row h:  p*s <= h  and  p*s + k > h,
// i.e. p in [lo, hi) with lo = floor((h - k)/s) + 1 (0 when h < k) and hi = floor(h/s) + 1, clipped to P.
MELGRAD_HD inline void pool_outputs_covering(int h, int k, int s, int P, int* lo, int* hi) {
    int l = h - k < 0 ? 0 : (h - k) / s + 1;
    int u = h / s + 1;
    *lo = l;
    *hi = u < P ? u : P;
}

// Max over the window of output (p, q) in one (n, c) plane; returns the argmax (index within the plane),
// the first maximum on ties, exactly as maxpool2d_forward_cpu.
MELGRAD_HD inline int maxpool_window(const float* plane, const Pool2dGeometry& g, int p, int q, float* best_value) {
    int best = (p * g.sh) * g.W + q * g.sw;
    float v = plane[best];
    for (int i = 0; i < g.kh; i++)
        for (int j = 0; j < g.kw; j++) {
            int idx = (p * g.sh + i) * g.W + q * g.sw + j;
            if (plane[idx] > v) { v = plane[idx]; best = idx; }
        }
    *best_value = v;
    return best;
}

// dL/dx for input (h, w) of one plane, gathered from every output whose window covers it and chose it as the
// maximum. (The CPU scatters dy to dx[argmax]; gathering instead needs no atomics, so it is deterministic
// even when windows overlap.)
MELGRAD_HD inline float maxpool_input_grad(const float* dy_plane, const int32_t* argmax_plane, const Pool2dGeometry& g,
                                           int h, int w) {
    int p0, p1, q0, q1;
    pool_outputs_covering(h, g.kh, g.sh, g.P, &p0, &p1);
    pool_outputs_covering(w, g.kw, g.sw, g.Q, &q0, &q1);
    const int me = h * g.W + w;
    float sum = 0.0f;
    for (int p = p0; p < p1; p++)
        for (int q = q0; q < q1; q++)
            if (argmax_plane[p * g.Q + q] == me) sum += dy_plane[p * g.Q + q];
    return sum;
}

MELGRAD_HD inline float avgpool_window(const float* plane, const Pool2dGeometry& g, int p, int q) {
    float sum = 0.0f;
    for (int i = 0; i < g.kh; i++)
        for (int j = 0; j < g.kw; j++) sum += plane[(p * g.sh + i) * g.W + q * g.sw + j];
    return sum * (1.0f / (float)(g.kh * g.kw));
}

MELGRAD_HD inline float avgpool_input_grad(const float* dy_plane, const Pool2dGeometry& g, int h, int w) {
    int p0, p1, q0, q1;
    pool_outputs_covering(h, g.kh, g.sh, g.P, &p0, &p1);
    pool_outputs_covering(w, g.kw, g.sw, g.Q, &q0, &q1);
    const float inv = 1.0f / (float)(g.kh * g.kw);
    float sum = 0.0f;
    for (int p = p0; p < p1; p++)
        for (int q = q0; q < q1; q++) sum += dy_plane[p * g.Q + q] * inv;
    return sum;
}

// ---- dropout ----------------------------------------------------------------------------------------
// The same draw as dropout_forward_cpu: element i is kept when counter_uniform(stream, i) >= p.
MELGRAD_HD inline float dropout_mask_value(uint64_t stream, size_t i, float p, float scale) {
    return counter_uniform(stream, i) >= p ? scale : 0.0f;
}

// ---- softmax cross-entropy, one row -----------------------------------------------------------------
// Writes the row's probabilities and returns its loss  log sum_j exp(z_j) - z[label]  in double, with the
// same operations in the same order as softmax_cross_entropy_forward_cpu. A label outside [0, C) gives NaN:
// the GPU cannot throw, and a NaN loss cannot go unnoticed.
MELGRAD_HD inline double softmax_ce_row(const float* z, int C, int label, float* p) {
    float m = z[0];
    for (int c = 1; c < C; c++) m = z[c] > m ? z[c] : m;
    double sum = 0;
    for (int c = 0; c < C; c++) sum += exp((double)z[c] - m);
    double log_sum = log(sum) + m;
    for (int c = 0; c < C; c++) p[c] = (float)exp((double)z[c] - log_sum);
    if (label < 0 || label >= C) return nan("");
    return log_sum - z[label];
}

}  // namespace melgrad::cuda
