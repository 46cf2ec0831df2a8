// add_into on the GPU: one thread per element (kernel in framework/layers/elementwise_kernels.cuh).
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/layers/elementwise.h"
#include "framework/layers/elementwise_kernels.cuh"

namespace melgrad::cuda {

void add_into(float* dst, const float* src, size_t n) {
    if (n == 0) return;
    kernels::add_into_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(dst, src, n);
    CUDA_CHECK_LAUNCH("add_into_kernel");
}

}  // namespace melgrad::cuda
