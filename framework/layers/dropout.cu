// Dropout on the GPU: one thread per element (kernels in framework/layers/dropout_kernels.cuh). The mask is
// the CPU's, bit for bit: it comes from (stream, element index) alone.
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/layers/dropout.h"
#include "framework/layers/dropout_kernels.cuh"

namespace melgrad::cuda {

void dropout_forward(const float* x, float* y, float* mask, size_t n, float p, uint64_t rng_stream,
                     uint64_t first_index) {
    if (n == 0) return;
    const float scale = 1.0f / (1.0f - p);  // computed on the host, as the CPU does: the same float
    const uint64_t* counter = stream_is_capturing() ? graph_replay_counter() : nullptr;
    kernels::dropout_forward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, mask, n, p, scale, rng_stream,
                                                                               counter, first_index);
    CUDA_CHECK_LAUNCH("dropout_forward_kernel");
}

void dropout_backward(const float* dy, const float* mask, float* dx, size_t n) {
    if (n == 0) return;
    kernels::dropout_backward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(dy, mask, dx, n);
    CUDA_CHECK_LAUNCH("dropout_backward_kernel");
}

}  // namespace melgrad::cuda
