// One GRU cell - one example, one hidden unit j, one time step - forward and backward: the arithmetic
// that the CPU loops (framework/layers/gru.cpp) and the CUDA kernels (framework/layers/gru_kernels.cuh) share,
// so both do the same float operations in the same order. The formulas are in framework/layers/gru.h, the
// backward derivation in gru.cpp. MELGRAD_HD makes them __host__ __device__ under nvcc.
#pragma once
#include <math.h>

#include "framework/rng.h"  // MELGRAD_HD

namespace melgrad {

MELGRAD_HD inline float gru_sigmoid(float a) { return 1.0f / (1.0f + expf(-a)); }

// a = [gi_r, gi_z, gi_n] and b = [gh_r, gh_z, gh_n] of this example and step (blocks of H), hp = h_{t-1}[j].
// Saves g = [r, z, n, gh_n] (blocks of H) for the backward pass and returns h_t[j].
MELGRAD_HD inline float gru_cell_forward(const float* a, const float* b, float hp, int H, int j, float* g) {
    float r = gru_sigmoid(a[j] + b[j]);
    float z = gru_sigmoid(a[H + j] + b[H + j]);
    float ghn = b[2 * H + j];
    float cand = tanhf(a[2 * H + j] + r * ghn);
    g[j] = r;
    g[H + j] = z;
    g[2 * H + j] = cand;
    g[3 * H + j] = ghn;
    return (1.0f - z) * cand + z * hp;
}

// d = dL/dh_t[j], g the saved gates, hp = h_{t-1}[j]. Writes dL/dgi and dL/dgh of unit j (blocks of H) and
// returns the part of dL/dh_{t-1}[j] that flows through z ⊙ h_{t-1} (the caller adds the path through W_hh).
MELGRAD_HD inline float gru_cell_backward(const float* g, float hp, float d, int H, int j, float* dgi, float* dgh) {
    float r = g[j], z = g[H + j], cand = g[2 * H + j], ghn = g[3 * H + j];
    float dcand = d * (1.0f - z);
    float dz = d * (hp - cand);
    float da_n = dcand * (1.0f - cand * cand);
    float da_r = da_n * ghn * r * (1.0f - r);
    float da_z = dz * z * (1.0f - z);
    dgi[j] = da_r;
    dgi[H + j] = da_z;
    dgi[2 * H + j] = da_n;
    dgh[j] = da_r;
    dgh[H + j] = da_z;
    dgh[2 * H + j] = da_n * r;
    return d * z;
}

}  // namespace melgrad
