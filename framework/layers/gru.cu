// The GRU on the GPU: the CPU functions' steps (framework/layers/gru.cpp) with cuBLAS for the projections
// (cuda::linear_forward / linear_backward, framework/layers/linear.cu) and our kernels for the gates
// (framework/layers/gru_kernels.cuh).
//
// The recurrence is sequential in t, so one step is a small GEMM (N x H times H x 3H) and one gate kernel:
// 2T launches forward, 2T backward. On a short sequence of a small batch that is launch-bound; a CUDA graph
// (framework/cuda/graph.h) replays all of them at once. (cuDNN's RNN API would fuse the steps; we keep the
// CPU's structure so the two files read side by side.)
#include <cuda_runtime.h>

#include <utility>

#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/layers/gru.h"
#include "framework/layers/gru_kernels.cuh"
#include "framework/layers/linear.h"

namespace melgrad::cuda {

void gru_forward(const float* x, const float* w_ih, const float* w_hh, const float* b_ih, const float* b_hh,
                 float* gi, float* hs, float* gates, int N, int T, int I, int H) {
    const int G = 3 * H;
    const size_t cells = (size_t)N * H;
    if (cells == 0 || T == 0) return;
    linear_forward(x, w_ih, b_ih, gi, N * T, I, G);  // every step's input projection at once
    CUDA_CHECK(cudaMemsetAsync(hs, 0, cells * sizeof(float), stream()));  // h_0 = 0
    DeviceBuffer gh_buffer(cells * 3 * sizeof(float));
    float* gh = gh_buffer.as<float>();
    for (int t = 0; t < T; t++) {
        const float* h_prev = hs + (size_t)t * cells;
        linear_forward(h_prev, w_hh, b_hh, gh, N, H, G);  // gh = W_hh h_{t-1} + b_hh
        kernels::gru_gates_forward_kernel<<<blocks_for(cells), kThreads, 0, stream()>>>(
            gi, gh, h_prev, hs + (size_t)(t + 1) * cells, gates + (size_t)t * cells * 4, N, T, H, t);
        CUDA_CHECK_LAUNCH("gru_gates_forward_kernel");
    }
}

void gru_output(const float* hs, float* y, bool sequence, int N, int T, int H) {
    const size_t count = (size_t)N * (sequence ? T : 1) * H;
    if (count == 0) return;
    kernels::gru_output_kernel<<<blocks_for(count), kThreads, 0, stream()>>>(hs, y, sequence, N, T, H);
    CUDA_CHECK_LAUNCH("gru_output_kernel");
}

void gru_backward(const float* x, const float* w_ih, const float* w_hh, const float* hs, const float* gates,
                  const float* dy, bool sequence, float* dx, float* dw_ih, float* dw_hh, float* db_ih, float* db_hh,
                  int N, int T, int I, int H) {
    const int G = 3 * H;
    const size_t cells = (size_t)N * H;
    if (cells == 0 || T == 0) return;
    DeviceBuffer dgi_buffer(cells * T * 3 * sizeof(float)), dh_buffer(cells * sizeof(float)),
        dh_prev_buffer(cells * sizeof(float)), dgh_buffer(cells * 3 * sizeof(float));
    float* dgi = dgi_buffer.as<float>();  // dL/dgi, laid out like gi: (N, T, 3H)
    float* dh = dh_buffer.as<float>();
    float* dh_prev = dh_prev_buffer.as<float>();
    float* dgh = dgh_buffer.as<float>();
    if (sequence) CUDA_CHECK(cudaMemsetAsync(dh, 0, cells * sizeof(float), stream()));
    else CUDA_CHECK(cudaMemcpyAsync(dh, dy, cells * sizeof(float), cudaMemcpyDeviceToDevice, stream()));  // h_T
    for (int t = T - 1; t >= 0; t--) {
        const float* h_prev = hs + (size_t)t * cells;
        kernels::gru_gates_backward_kernel<<<blocks_for(cells), kThreads, 0, stream()>>>(
            gates + (size_t)t * cells * 4, h_prev, dy, sequence, dh, dh_prev, dgi, dgh, N, T, H, t);
        CUDA_CHECK_LAUNCH("gru_gates_backward_kernel");
        // Through gh = W_hh h_{t-1} + b_hh (adds dgh W_hh into dh_prev); h_0 needs no gradient.
        linear_backward(h_prev, w_hh, dgh, t > 0 ? dh_prev : nullptr, dw_hh, db_hh, N, H, G);
        std::swap(dh, dh_prev);  // dh now holds dL/dh_{t-1}
    }
    linear_backward(x, w_ih, dgi, dx, dw_ih, db_ih, N * T, I, G);
}

}  // namespace melgrad::cuda
