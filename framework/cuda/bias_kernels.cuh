// The bias kernels of Conv2d and Linear: the bias add (one thread per output element) and the last step of
// the bias gradient (one thread per channel; the partial sums come from framework/cuda/channel_reduce.cuh).
// The kernels alone (no launches, no CUDA headers): framework/cuda/bias.cu launches them, and the CPU tests
// run them on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>

#include "framework/cuda/channel_reduce.cuh"
#include "framework/cuda/index_math.h"
#include "framework/cuda/thread_index.cuh"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

__global__ void finalize_sum_add(const double2* partials, int splits, int C, float* out) {
    const int c = (int)thread_index();  // one thread per channel
    if (c < C) out[c] += (float)channel_total(partials, c, splits).x;
}

__global__ void bias_apply_kernel(float* y, const float* b, int K, int PQ, size_t n, bool accumulate) {
    size_t i = thread_index();
    if (i >= n) return;
    float v = b[bias_channel(i, K, PQ)];
    y[i] = accumulate ? y[i] + v : v;
}

}  // namespace
}  // namespace melgrad::cuda::kernels
