// Max and average pooling kernels: one thread per output (forward), one per input (backward).
// The kernels alone (no launches, no CUDA headers): the .cu file next to this one launches them, and the CPU
// tests run them on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "framework/cuda/index_math.h"
#include "framework/cuda/thread_index.cuh"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

__global__ void maxpool_forward_kernel(const float* x, float* y, int32_t* argmax, Pool2dGeometry g, size_t n) {
    size_t o = thread_index();
    if (o >= n) return;
    const int pq = g.P * g.Q;
    size_t nc = o / pq;
    int p = (int)(o % pq) / g.Q, q = (int)(o % pq) % g.Q;
    float v;
    argmax[o] = maxpool_window(x + nc * g.H * g.W, g, p, q, &v);
    y[o] = v;
}

__global__ void maxpool_backward_kernel(const float* dy, const int32_t* argmax, float* dx, Pool2dGeometry g,
                                        size_t n, bool accumulate) {
    size_t i = thread_index();
    if (i >= n) return;
    const int hw = g.H * g.W;
    size_t nc = i / hw;
    int h = (int)(i % hw) / g.W, w = (int)(i % hw) % g.W;
    size_t plane_out = nc * g.P * g.Q;
    dx[i] = (accumulate ? dx[i] : 0.0f) + maxpool_input_grad(dy + plane_out, argmax + plane_out, g, h, w);
}

__global__ void avgpool_forward_kernel(const float* x, float* y, Pool2dGeometry g, size_t n) {
    size_t o = thread_index();
    if (o >= n) return;
    const int pq = g.P * g.Q;
    size_t nc = o / pq;
    int p = (int)(o % pq) / g.Q, q = (int)(o % pq) % g.Q;
    y[o] = avgpool_window(x + nc * g.H * g.W, g, p, q);
}

__global__ void avgpool_backward_kernel(const float* dy, float* dx, Pool2dGeometry g, size_t n) {
    size_t i = thread_index();
    if (i >= n) return;
    const int hw = g.H * g.W;
    size_t nc = i / hw;
    int h = (int)(i % hw) / g.W, w = (int)(i % hw) % g.W;
    dx[i] += avgpool_input_grad(dy + nc * g.P * g.Q, g, h, w);
}

}  // namespace
}  // namespace melgrad::cuda::kernels
