// ReLU on the GPU: one thread per element (kernels in framework/layers/relu_kernels.cuh).
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/layers/relu.h"
#include "framework/layers/relu_kernels.cuh"

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

}  // namespace melgrad::cuda
