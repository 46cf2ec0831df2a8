// Fused optimizer updates: one kernel per parameter does the whole SGD or Adam(W) rule (PyTorch's
// single-tensor path runs one kernel per tensor op: mul_, add_, addcmul_, sqrt, addcdiv_...). The scalars
// are computed on the host by the optimizer (framework/optim/), exactly as for the CPU kernels.
//
// Every line mirrors sgd_update_cpu / adam_update_cpu in the same order, with the _rn intrinsics so that
// nvcc cannot fuse a*b + c into one FMA (the CPU build uses -ffp-contract=off; division and sqrt are
// IEEE-rounded in both): the GPU update is meant to give the CPU's bits for the same inputs.
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/cuda/ops.h"

namespace melgrad::cuda {

namespace {

__global__ void sgd_kernel(float* param, const float* grad, float* momentum_buffer, size_t n, SgdScalars s) {
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i >= n) return;
    float d = grad[i];
    if (s.weight_decay != 0.0f) d = __fadd_rn(d, __fmul_rn(s.weight_decay, param[i]));
    if (s.momentum != 0.0f) {
        float buf;
        if (s.first_step) {
            buf = d;
        } else {
            buf = __fmul_rn(momentum_buffer[i], s.momentum);
            buf = __fadd_rn(buf, __fmul_rn(s.one_minus_dampening, d));
        }
        momentum_buffer[i] = buf;
        d = s.nesterov ? __fadd_rn(d, __fmul_rn(s.momentum, buf)) : buf;
    }
    param[i] = __fadd_rn(param[i], __fmul_rn(s.neg_lr, d));
}

__global__ void adam_kernel(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n,
                            AdamScalars s) {
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i >= n) return;
    float p = param[i];
    float g = grad[i];
    if (s.decoupled) p = __fmul_rn(p, s.decoupled_decay_factor);
    if (s.l2_weight_decay != 0.0f) g = __fadd_rn(g, __fmul_rn(s.l2_weight_decay, p));
    float m = __fmul_rn(exp_avg[i], s.beta1);
    m = __fadd_rn(m, __fmul_rn(s.one_minus_beta1, g));
    float v = __fmul_rn(exp_avg_sq[i], s.beta2);
    v = __fadd_rn(v, __fmul_rn(__fmul_rn(s.one_minus_beta2, g), g));
    float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(v), s.bias_correction2_sqrt), s.eps);
    param[i] = __fadd_rn(p, __fdiv_rn(__fmul_rn(s.neg_step_size, m), denom));
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
}

}  // namespace

void sgd_update(float* param, const float* grad, float* momentum_buffer, size_t n, const SgdScalars& s) {
    if (n == 0) return;
    sgd_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(param, grad, momentum_buffer, n, s);
    CUDA_CHECK_LAUNCH("sgd_kernel");
}

void adam_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n, const AdamScalars& s) {
    if (n == 0) return;
    adam_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(param, grad, exp_avg, exp_avg_sq, n, s);
    CUDA_CHECK_LAUNCH("adam_kernel");
}

}  // namespace melgrad::cuda
