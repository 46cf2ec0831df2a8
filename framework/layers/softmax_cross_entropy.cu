// Softmax cross-entropy forward and backward (formulas in framework/layers/softmax_cross_entropy.h).
//
// Forward: one block; thread t handles rows t, t + 256, ... with softmax_ce_row (framework/cuda/index_math.h:
// the CPU's operations, in double), writes each row's loss to scratch, and thread 0 adds the rows in row
// order - the CPU's order, so the mean loss is deterministic and matches the CPU to rounding. One block is
// plenty: N is a batch (tens to hundreds of rows) and C is 10.
// Backward: one thread per logit.
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/layers/softmax_cross_entropy_kernels.cuh"
#include "framework/cuda/memory.h"
#include "framework/layers/softmax_cross_entropy.h"

namespace melgrad::cuda {

void softmax_cross_entropy_forward(const float* logits, const int* labels, float* probs, float* loss, int N, int C) {
    DeviceBuffer row_loss((size_t)(N > 0 ? N : 1) * sizeof(double));
    kernels::softmax_ce_forward_kernel<<<1, kThreads, 0, stream()>>>(logits, labels, probs, loss, row_loss.as<double>(),
                                                                      N, C);
    CUDA_CHECK_LAUNCH("softmax_ce_forward_kernel");
}

void softmax_cross_entropy_backward(const float* probs, const int* labels, const float* dloss, float* dlogits, int N,
                                    int C) {
    size_t n = (size_t)N * C;
    if (n == 0) return;
    kernels::softmax_ce_backward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(probs, labels, dloss, dlogits, N, C);
    CUDA_CHECK_LAUNCH("softmax_ce_backward_kernel");
}

}  // namespace melgrad::cuda
