// The fill kernel behind Tensor::fill / zeros for CUDA tensors (launched in framework/cuda/memory.cu).
// The kernels alone (no launches, no CUDA headers): the CPU tests run it on the kernel emulator
// (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>

#include "framework/cuda/thread_index.cuh"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

__global__ void fill_kernel(float* dst, float value, size_t count) {
    size_t i = thread_index();
    if (i < count) dst[i] = value;
}

}  // namespace
}  // namespace melgrad::cuda::kernels
