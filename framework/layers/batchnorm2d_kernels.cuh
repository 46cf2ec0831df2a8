// BatchNorm2d kernels (why our own and not cuDNN's: framework/layers/batchnorm2d.cu).
// The kernels alone (no launches, no CUDA headers): the .cu file next to this one launches them, and the CPU
// tests run them on the kernel emulator (tests/cuda/kernel_emulator.h, tests/cuda/test_cuda_kernels_emulated.cpp).
#pragma once
#include <stddef.h>

#include "framework/cuda/channel_reduce.cuh"
#include "framework/cuda/index_math.h"
#include "framework/cuda/thread_index.cuh"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

struct SquaredDeviationTerm {  // (x - mean)^2, mean in double as on the CPU
    const float* x;
    const double* mean;
    __device__ double2 operator()(int c, size_t o) const {
        double d = x[o] - mean[c];
        return make_double2(d * d, 0.0);
    }
};
struct BackwardTerm {  // (dy, dy * xhat), xhat in float as on the CPU
    const float *x, *dy, *mean, *invstd;
    __device__ double2 operator()(int c, size_t o) const {
        float xhat = (x[o] - mean[c]) * invstd[c];
        return make_double2(dy[o], (double)dy[o] * xhat);
    }
};

__global__ void finalize_mean(const double2* partials, int splits, int C, double m, double* mean) {
    const int c = (int)thread_index();  // one thread per channel
    if (c < C) mean[c] = channel_total(partials, c, splits).x / m;
}

// var, invstd, running statistics, and the per-channel affine map y = x * scale + shift.
__global__ void finalize_train(const double2* partials, int splits, int C, double m, const double* mean,
                               const float* gamma, const float* beta, float eps, float momentum, float* save_mean,
                               float* save_invstd, float* running_mean, float* running_var, float* scale,
                               float* shift) {
    const int c = (int)thread_index();  // one thread per channel
    if (c >= C) return;
    double var = channel_total(partials, c, splits).x / m;
    float invstd = (float)(1.0 / sqrt(var + eps));
    save_mean[c] = (float)mean[c];
    save_invstd[c] = invstd;
    running_mean[c] = (1 - momentum) * running_mean[c] + momentum * (float)mean[c];
    running_var[c] = (1 - momentum) * running_var[c] + momentum * (float)(m > 1 ? var * m / (m - 1) : var);
    scale[c] = gamma[c] * invstd;
    shift[c] = beta[c] - (float)mean[c] * scale[c];
}

__global__ void finalize_eval(int C, const float* gamma, const float* beta, const float* running_mean,
                              const float* running_var, float eps, float* save_mean, float* save_invstd, float* scale,
                              float* shift) {
    const int c = (int)thread_index();  // one thread per channel
    if (c >= C) return;
    float invstd = 1.0f / sqrtf(running_var[c] + eps);
    save_mean[c] = running_mean[c];
    save_invstd[c] = invstd;
    scale[c] = gamma[c] * invstd;
    shift[c] = beta[c] - running_mean[c] * scale[c];
}

__global__ void apply_affine(const float* x, float* y, const float* scale, const float* shift, int C, int HW,
                             size_t n) {
    size_t i = thread_index();
    if (i >= n) return;
    int c = bias_channel(i, C, HW);
    y[i] = x[i] * scale[c] + shift[c];
}

// dbeta += sum dy, dgamma += sum dy*xhat; and the three per-channel coefficients of dx.
__global__ void finalize_backward(const double2* partials, int splits, int C, double m, bool training,
                                  const float* gamma, const float* invstd, float* dgamma, float* dbeta, float* k,
                                  float* mean_dy, float* mean_dy_xhat) {
    const int c = (int)thread_index();  // one thread per channel
    if (c >= C) return;
    double2 t = channel_total(partials, c, splits);
    dbeta[c] += (float)t.x;
    dgamma[c] += (float)t.y;
    k[c] = gamma[c] * invstd[c];
    mean_dy[c] = training ? (float)(t.x / m) : 0.0f;
    mean_dy_xhat[c] = training ? (float)(t.y / m) : 0.0f;
}

__global__ void input_grad(const float* x, const float* dy, const float* mean, const float* invstd, const float* k,
                           const float* mean_dy, const float* mean_dy_xhat, float* dx, int C, int HW, size_t n,
                           bool accumulate) {
    size_t i = thread_index();
    if (i >= n) return;
    int c = bias_channel(i, C, HW);
    float xhat = (x[i] - mean[c]) * invstd[c];
    dx[i] = (accumulate ? dx[i] : 0.0f) + k[c] * (dy[i] - mean_dy[c] - xhat * mean_dy_xhat[c]);
}

}  // namespace
}  // namespace melgrad::cuda::kernels
