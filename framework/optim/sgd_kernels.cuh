// The fused SGD update kernel: one thread per parameter element (the rule: framework/optim/sgd.h).
// The kernels alone (no launches, no CUDA headers): framework/optim/sgd.cu launches it, and the CPU
// tests run it on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "framework/cuda/thread_index.cuh"
#include "framework/optim/sgd.h"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

__global__ void sgd_kernel(float* param, const float* grad, float* momentum_buffer, size_t n, SgdScalars s) {
    size_t i = thread_index();
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

}  // namespace
}  // namespace melgrad::cuda::kernels
