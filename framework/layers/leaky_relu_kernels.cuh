// LeakyReLU kernels: one thread per element; each body is leaky_relu.cpp's loop body.
// The kernels alone (no launches, no CUDA headers): framework/layers/leaky_relu.cu launches them, and the CPU
// tests run them on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>

#include "framework/cuda/thread_index.cuh"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

__global__ void leaky_relu_forward_kernel(const float* x, float* y, size_t n, float negative_slope) {
    size_t i = thread_index();
    if (i < n) y[i] = x[i] > 0.0f ? x[i] : negative_slope * x[i];
}
__global__ void leaky_relu_backward_kernel(const float* x, const float* dy, float* dx, size_t n, float negative_slope,
                                           bool accumulate) {
    size_t i = thread_index();
    if (i < n) dx[i] = (accumulate ? dx[i] : 0.0f) + (x[i] > 0.0f ? dy[i] : negative_slope * dy[i]);
}

}  // namespace
}  // namespace melgrad::cuda::kernels
