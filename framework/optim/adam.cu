// The fused Adam(W) update on the GPU: one kernel per parameter does the whole rule (PyTorch's single-tensor
// path runs one kernel per tensor op: mul_, add_, addcmul_, sqrt, addcdiv_...). The scalars are computed on
// the host by the optimizer (framework/optim/adam.cpp), exactly as for the CPU loop.
//
// The kernel (framework/optim/adam_kernels.cuh) mirrors adam_update_cpu line by line, with the _rn
// intrinsics so that nvcc cannot fuse a*b + c into one FMA even when built without the Makefile's
// --fmad=false (the CPU build uses -ffp-contract=off; division and sqrt are IEEE-rounded in both): the GPU
// update is meant to give the CPU's bits for the same inputs.
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/optim/adam.h"
#include "framework/optim/adam_kernels.cuh"

namespace melgrad::cuda {

void adam_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n, const AdamScalars& s) {
    if (n == 0) return;
    kernels::adam_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(param, grad, exp_avg, exp_avg_sq, n, s);
    CUDA_CHECK_LAUNCH("adam_kernel");
}

}  // namespace melgrad::cuda
