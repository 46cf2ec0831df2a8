// Dropout kernels: one thread per element; each body is dropout.cpp's loop body.
// The kernels alone (no launches, no CUDA headers): framework/layers/dropout.cu launches them, and the CPU tests
// run them on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "framework/cuda/index_math.h"
#include "framework/cuda/thread_index.cuh"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

// The mask comes from (stream, first_index + i) alone (counter-based RNG), so it is the CPU's mask bit for
// bit (first_index: a data-parallel rank's first element in the global batch, 0 otherwise). Inside a
// captured CUDA graph, replay_counter is non-null and mixed into the stream (see framework/cuda/graph.h).
__global__ void dropout_forward_kernel(const float* x, float* y, float* mask, size_t n, float p, float scale,
                                       uint64_t stream, const uint64_t* replay_counter, uint64_t first_index) {
    size_t i = thread_index();
    if (i >= n) return;
    if (replay_counter) stream = splitmix64_mix(stream ^ splitmix64_mix(*replay_counter));
    mask[i] = dropout_mask_value(stream, first_index + i, p, scale);
    y[i] = x[i] * mask[i];
}
__global__ void dropout_backward_kernel(const float* dy, const float* mask, float* dx, size_t n) {
    size_t i = thread_index();
    if (i < n) dx[i] += dy[i] * mask[i];
}

}  // namespace
}  // namespace melgrad::cuda::kernels
