// The fused SGD update on the GPU: one kernel per parameter does the whole rule (PyTorch's single-tensor
// path runs one kernel per tensor op: mul_, add_, addcmul_, sqrt, addcdiv_...). The scalars are computed on
// the host by the optimizer (framework/optim/sgd.cpp), exactly as for the CPU loop.
//
// The kernel (framework/optim/sgd_kernels.cuh) mirrors sgd_update_cpu line by line, with the _rn
// intrinsics so that nvcc cannot fuse a*b + c into one FMA even when built without the Makefile's
// --fmad=false (the CPU build uses -ffp-contract=off; division and sqrt are IEEE-rounded in both): the GPU
// update is meant to give the CPU's bits for the same inputs.
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/optim/sgd.h"
#include "framework/optim/sgd_kernels.cuh"

namespace melgrad::cuda {

void sgd_update(float* param, const float* grad, float* momentum_buffer, size_t n, const SgdScalars& s) {
    if (n == 0) return;
    kernels::sgd_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(param, grad, momentum_buffer, n, s);
    CUDA_CHECK_LAUNCH("sgd_kernel");
}

}  // namespace melgrad::cuda
