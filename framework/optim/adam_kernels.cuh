// The fused Adam(W) update kernel: one thread per parameter element (the rule: framework/optim/adam.h).
// The kernels alone (no launches, no CUDA headers): framework/optim/adam.cu launches it, and the CPU
// tests run it on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>

#include "framework/cuda/thread_index.cuh"
#include "framework/optim/adam.h"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

__global__ void adam_kernel(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n,
                            AdamScalars s) {
    size_t i = thread_index();
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
}  // namespace melgrad::cuda::kernels
