// One thread per element: ReLU, dropout, add_into. Each body is the CPU loop's body
// (framework/layers/relu.cpp, dropout.cpp, elementwise.cpp).
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/index_math.h"
#include "framework/cuda/memory.h"
#include "framework/cuda/ops.h"

namespace melgrad::cuda {

namespace {

__device__ inline size_t thread_index() { return blockIdx.x * (size_t)blockDim.x + threadIdx.x; }

__global__ void relu_forward_kernel(const float* x, float* y, size_t n) {
    size_t i = thread_index();
    if (i < n) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
__global__ void relu_backward_kernel(const float* y, const float* dy, float* dx, size_t n, bool accumulate) {
    size_t i = thread_index();
    if (i < n) dx[i] = (accumulate ? dx[i] : 0.0f) + (y[i] > 0.0f ? dy[i] : 0.0f);
}
__global__ void add_into_kernel(float* dst, const float* src, size_t n) {
    size_t i = thread_index();
    if (i < n) dst[i] += src[i];
}
// The mask comes from (stream, i) alone (counter-based RNG), so it is the CPU's mask bit for bit. Inside a
// captured CUDA graph, replay_counter is non-null and mixed into the stream (see framework/cuda/graph.h).
__global__ void dropout_forward_kernel(const float* x, float* y, float* mask, size_t n, float p, float scale,
                                       uint64_t stream, const uint64_t* replay_counter) {
    size_t i = thread_index();
    if (i >= n) return;
    if (replay_counter) stream = splitmix64_mix(stream ^ splitmix64_mix(*replay_counter));
    mask[i] = dropout_mask_value(stream, i, p, scale);
    y[i] = x[i] * mask[i];
}
__global__ void dropout_backward_kernel(const float* dy, const float* mask, float* dx, size_t n) {
    size_t i = thread_index();
    if (i < n) dx[i] += dy[i] * mask[i];
}

}  // namespace

void relu_forward(const float* x, float* y, size_t n) {
    if (n == 0) return;
    relu_forward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, n);
    CUDA_CHECK_LAUNCH("relu_forward_kernel");
}
void relu_backward(const float* y, const float* dy, float* dx, size_t n, bool accumulate) {
    if (n == 0) return;
    relu_backward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(y, dy, dx, n, accumulate);
    CUDA_CHECK_LAUNCH("relu_backward_kernel");
}
void add_into(float* dst, const float* src, size_t n) {
    if (n == 0) return;
    add_into_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(dst, src, n);
    CUDA_CHECK_LAUNCH("add_into_kernel");
}
void dropout_forward(const float* x, float* y, float* mask, size_t n, float p, uint64_t rng_stream) {
    if (n == 0) return;
    const float scale = 1.0f / (1.0f - p);  // computed on the host, as the CPU does: the same float
    const uint64_t* counter = stream_is_capturing() ? graph_replay_counter() : nullptr;
    dropout_forward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, mask, n, p, scale, rng_stream, counter);
    CUDA_CHECK_LAUNCH("dropout_forward_kernel");
}
void dropout_backward(const float* dy, const float* mask, float* dx, size_t n) {
    if (n == 0) return;
    dropout_backward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(dy, mask, dx, n);
    CUDA_CHECK_LAUNCH("dropout_backward_kernel");
}

}  // namespace melgrad::cuda
