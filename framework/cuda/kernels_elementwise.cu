// One thread per element: ReLU, dropout, add_into. Each body is the CPU loop's body
// (framework/layers/relu.cpp, dropout.cpp, elementwise.cpp).
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/kernels_elementwise.cuh"
#include "framework/cuda/memory.h"
#include "framework/cuda/ops.h"

namespace melgrad::cuda {

void relu_forward(const float* x, float* y, size_t n) {
    if (n == 0) return;
    kernels::relu_forward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, n);
    CUDA_CHECK_LAUNCH("relu_forward_kernel");
}
void relu_backward(const float* y, const float* dy, float* dx, size_t n, bool accumulate) {
    if (n == 0) return;
    kernels::relu_backward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(y, dy, dx, n, accumulate);
    CUDA_CHECK_LAUNCH("relu_backward_kernel");
}
void add_into(float* dst, const float* src, size_t n) {
    if (n == 0) return;
    kernels::add_into_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(dst, src, n);
    CUDA_CHECK_LAUNCH("add_into_kernel");
}
void dropout_forward(const float* x, float* y, float* mask, size_t n, float p, uint64_t rng_stream) {
    if (n == 0) return;
    const float scale = 1.0f / (1.0f - p);  // computed on the host, as the CPU does: the same float
    const uint64_t* counter = stream_is_capturing() ? graph_replay_counter() : nullptr;
    kernels::dropout_forward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, mask, n, p, scale, rng_stream,
                                                                               counter);
    CUDA_CHECK_LAUNCH("dropout_forward_kernel");
}
void dropout_backward(const float* dy, const float* mask, float* dx, size_t n) {
    if (n == 0) return;
    kernels::dropout_backward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(dy, mask, dx, n);
    CUDA_CHECK_LAUNCH("dropout_backward_kernel");
}

}  // namespace melgrad::cuda
