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

// Element i of a stack of (rows x cols) planes: its plane (n*C + c), row and column.
struct PlanePosition {
    size_t plane;
    int row, col;
};
__device__ inline PlanePosition plane_position(size_t i, int rows, int cols) {
    const size_t per_plane = (size_t)rows * cols;
    const int in_plane = (int)(i % per_plane);
    return {i / per_plane, in_plane / cols, in_plane % cols};
}

__global__ void maxpool_forward_kernel(const float* x, float* y, int32_t* argmax, Pool2dGeometry g, size_t n) {
    size_t o = thread_index();
    if (o >= n) return;
    const PlanePosition out = plane_position(o, g.P, g.Q);  // output (p, q) = (row, col)
    float v;
    argmax[o] = maxpool_window(x + out.plane * g.H * g.W, g, out.row, out.col, &v);
    y[o] = v;
}

__global__ void maxpool_backward_kernel(const float* dy, const int32_t* argmax, float* dx, Pool2dGeometry g,
                                        size_t n, bool accumulate) {
    size_t i = thread_index();
    if (i >= n) return;
    const PlanePosition in = plane_position(i, g.H, g.W);  // input (h, w) = (row, col)
    const size_t plane_out = in.plane * g.P * g.Q;
    dx[i] = (accumulate ? dx[i] : 0.0f) + maxpool_input_grad(dy + plane_out, argmax + plane_out, g, in.row, in.col);
}

__global__ void avgpool_forward_kernel(const float* x, float* y, Pool2dGeometry g, size_t n) {
    size_t o = thread_index();
    if (o >= n) return;
    const PlanePosition out = plane_position(o, g.P, g.Q);  // output (p, q) = (row, col)
    y[o] = avgpool_window(x + out.plane * g.H * g.W, g, out.row, out.col);
}

__global__ void avgpool_backward_kernel(const float* dy, float* dx, Pool2dGeometry g, size_t n) {
    size_t i = thread_index();
    if (i >= n) return;
    const PlanePosition in = plane_position(i, g.H, g.W);  // input (h, w) = (row, col)
    dx[i] += avgpool_input_grad(dy + in.plane * g.P * g.Q, g, in.row, in.col);
}

}  // namespace
}  // namespace melgrad::cuda::kernels
