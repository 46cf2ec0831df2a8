// Fused optimizer updates: one kernel per parameter does the whole SGD or Adam(W) rule (PyTorch's
// single-tensor path runs one kernel per tensor op: mul_, add_, addcmul_, sqrt, addcdiv_...). The scalars
// are computed on the host by the optimizer (framework/optim/), exactly as for the CPU kernels.
//
// Every line mirrors sgd_update_cpu / adam_update_cpu in the same order, with the _rn intrinsics so that
// nvcc cannot fuse a*b + c into one FMA even when built without the Makefile's --fmad=false (the CPU build
// uses -ffp-contract=off; division and sqrt are IEEE-rounded in both): the GPU update is meant to give the
// CPU's bits for the same inputs.
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/kernels_optim.cuh"
#include "framework/cuda/memory.h"
#include "framework/cuda/ops.h"

namespace melgrad::cuda {

void sgd_update(float* param, const float* grad, float* momentum_buffer, size_t n, const SgdScalars& s) {
    if (n == 0) return;
    kernels::sgd_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(param, grad, momentum_buffer, n, s);
    CUDA_CHECK_LAUNCH("sgd_kernel");
}

void adam_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n, const AdamScalars& s) {
    if (n == 0) return;
    kernels::adam_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(param, grad, exp_avg, exp_avg_sq, n, s);
    CUDA_CHECK_LAUNCH("adam_kernel");
}

}  // namespace melgrad::cuda
