// GRU kernels: one thread per (example, hidden unit) for the gates of one time step, one thread per output
// element for the output move. The cell arithmetic is the CPU loop's own (framework/layers/
// gru_cell.h, __host__ __device__), so both do the same float operations in the same order.
// The kernels alone (no launches, no CUDA headers): framework/layers/gru.cu launches them, and the CPU tests run
// them on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>

#include "framework/cuda/thread_index.cuh"
#include "framework/layers/gru_cell.h"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

// Step t of the forward pass (formulas in framework/layers/gru.h). gi (N, T, 3H): the input projections of
// every step; gh (N, 3H): W_hh h_{t-1} + b_hh of this step; h_prev, h (N, H); gates_t (N, 4H): the saved
// [r, z, n, gh_n] of this step.
__global__ void gru_gates_forward_kernel(const float* gi, const float* gh, const float* h_prev, float* h,
                                         float* gates_t, int N, int T, int H, int t) {
    size_t i = thread_index();
    if (i >= (size_t)N * H) return;
    const int n = (int)(i / H), j = (int)(i % H);
    const float* a = gi + ((size_t)n * T + t) * 3 * H;  // [gi_r, gi_z, gi_n] of example n, step t
    const float* b = gh + (size_t)n * 3 * H;            // [gh_r, gh_z, gh_n]
    h[i] = gru_cell_forward(a, b, h_prev[i], H, j, gates_t + (size_t)n * 4 * H);
}

// Step t of backpropagation through time (the derivation is in framework/layers/gru.cpp). dh (N, H) is
// dL/dh_t from the later steps; with sequence output dy (N, T, H) adds step t's own gradient. Writes dgi of
// step t (into dgi (N, T, 3H)), dgh (N, 3H), and dh_prev = dL/dh_{t-1} through h_t's direct z ⊙ h_{t-1} term
// (the caller adds the path through W_hh with a GEMM).
__global__ void gru_gates_backward_kernel(const float* gates_t, const float* h_prev, const float* dy, bool sequence,
                                          const float* dh, float* dh_prev, float* dgi, float* dgh, int N, int T,
                                          int H, int t) {
    size_t i = thread_index();
    if (i >= (size_t)N * H) return;
    const int n = (int)(i / H), j = (int)(i % H);
    float d = dh[i];
    if (sequence) d += dy[((size_t)n * T + t) * H + j];  // h_t is also output number t
    dh_prev[i] = gru_cell_backward(gates_t + (size_t)n * 4 * H, h_prev[i], d, H, j,
                                   dgi + ((size_t)n * T + t) * 3 * H, dgh + (size_t)n * 3 * H);
}

// The GRU's output from hs (T+1, N, H), time-major: h_T (N, H), or every h_t batch-first (N, T, H).
__global__ void gru_output_kernel(const float* hs, float* y, bool sequence, int N, int T, int H) {
    size_t i = thread_index();
    const size_t count = (size_t)N * (sequence ? T : 1) * H;
    if (i >= count) return;
    if (!sequence) {
        y[i] = hs[(size_t)T * N * H + i];
        return;
    }
    const size_t n = i / ((size_t)T * H), t = (i / H) % T, j = i % H;
    y[i] = hs[((t + 1) * N + n) * H + j];
}

}  // namespace
}  // namespace melgrad::cuda::kernels
