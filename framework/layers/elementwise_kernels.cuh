// add_into's kernel: one thread per element; the body is elementwise.cpp's loop body.
// The kernels alone (no launches, no CUDA headers): framework/layers/elementwise.cu launches them, and the CPU tests
// run them on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>

#include "framework/cuda/thread_index.cuh"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

__global__ void add_into_kernel(float* dst, const float* src, size_t n) {
    size_t i = thread_index();
    if (i < n) dst[i] += src[i];
}

}  // namespace
}  // namespace melgrad::cuda::kernels
