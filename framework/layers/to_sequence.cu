// ToSequence on the GPU: one thread per element (kernels in framework/layers/to_sequence_kernels.cuh).
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/layers/to_sequence.h"
#include "framework/layers/to_sequence_kernels.cuh"

namespace melgrad::cuda {

void to_sequence_forward(const float* x, float* y, int N, int C, int H, int W) {
    const size_t count = (size_t)N * C * H * W;
    if (count == 0) return;
    kernels::to_sequence_forward_kernel<<<blocks_for(count), kThreads, 0, stream()>>>(x, y, N, C, H, W);
    CUDA_CHECK_LAUNCH("to_sequence_forward_kernel");
}

void to_sequence_backward(const float* dy, float* dx, int N, int C, int H, int W) {
    const size_t count = (size_t)N * C * H * W;
    if (count == 0) return;
    kernels::to_sequence_backward_kernel<<<blocks_for(count), kThreads, 0, stream()>>>(dy, dx, N, C, H, W);
    CUDA_CHECK_LAUNCH("to_sequence_backward_kernel");
}

}  // namespace melgrad::cuda
