// ToSequence kernels: one thread per element, each a gather (no atomics).
// The kernels alone (no launches, no CUDA headers): framework/layers/to_sequence.cu launches them, and the CPU tests
// run them on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>

#include "framework/cuda/thread_index.cuh"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

// ToSequence (framework/layers/to_sequence.h): y[n, w, c·H + h] = x[n, c, h, w]; one thread per y element.
__global__ void to_sequence_forward_kernel(const float* x, float* y, int N, int C, int H, int W) {
    size_t i = thread_index();
    const size_t F = (size_t)C * H;
    if (i >= (size_t)N * W * F) return;
    const size_t n = i / ((size_t)W * F), w = (i / F) % W, f = i % F;
    y[i] = x[(n * C * H + f) * W + w];  // f = c·H + h, so (n·C + c)·H + h = n·C·H + f
}
// Backward: dx[n, c, h, w] += dy[n, w, c·H + h]; one thread per dx element (a gather: no atomics).
__global__ void to_sequence_backward_kernel(const float* dy, float* dx, int N, int C, int H, int W) {
    size_t i = thread_index();
    const size_t F = (size_t)C * H;
    if (i >= (size_t)N * F * W) return;
    const size_t n = i / (F * W), f = (i / W) % F, w = i % W;
    dx[i] += dy[(n * W + w) * F + f];
}

}  // namespace
}  // namespace melgrad::cuda::kernels
