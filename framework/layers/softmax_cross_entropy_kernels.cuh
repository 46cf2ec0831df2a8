// Softmax cross-entropy forward (one block) and backward (one thread per logit) kernels.
// The kernels alone (no launches, no CUDA headers): the .cu file next to this one launches them, and the CPU
// tests run them on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "framework/cuda/index_math.h"
#include "framework/cuda/thread_index.cuh"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

__global__ void softmax_ce_forward_kernel(const float* logits, const int* labels, float* probs, float* loss,
                                          double* row_loss, int N, int C) {
    for (int n = threadIdx.x; n < N; n += blockDim.x)
        row_loss[n] = softmax_ce_row(logits + (size_t)n * C, C, labels[n], probs + (size_t)n * C);
    __syncthreads();
    if (threadIdx.x == 0) {
        double total = 0;
        for (int n = 0; n < N; n++) total += row_loss[n];
        *loss = (float)(total / N);
    }
}

// dlogits += dloss * (probs - onehot) / N, with dloss read on the device (no copy to the host: a training
// step stays capturable in a CUDA graph).
__global__ void softmax_ce_backward_kernel(const float* probs, const int* labels, const float* dloss,
                                           float* dlogits, int N, int C) {
    size_t i = thread_index();
    if (i >= (size_t)N * C) return;
    const float scale = *dloss / (float)N;
    int n = (int)(i / C), c = (int)(i % C);
    dlogits[i] += scale * (probs[i] - (c == labels[n] ? 1.0f : 0.0f));
}

}  // namespace
}  // namespace melgrad::cuda::kernels
