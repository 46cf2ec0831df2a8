// LeakyReLU on the GPU: one thread per element (kernels in framework/layers/leaky_relu_kernels.cuh).
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/layers/leaky_relu.h"
#include "framework/layers/leaky_relu_kernels.cuh"

namespace melgrad::cuda {

void leaky_relu_forward(const float* x, float* y, size_t n, float negative_slope) {
    if (n == 0) return;
    kernels::leaky_relu_forward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, n, negative_slope);
    CUDA_CHECK_LAUNCH("leaky_relu_forward_kernel");
}

void leaky_relu_backward(const float* x, const float* dy, float* dx, size_t n, float negative_slope,
                         bool accumulate) {
    if (n == 0) return;
    kernels::leaky_relu_backward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(x, dy, dx, n, negative_slope,
                                                                                   accumulate);
    CUDA_CHECK_LAUNCH("leaky_relu_backward_kernel");
}

}  // namespace melgrad::cuda
