// BatchNorm2d on the GPU: our own kernels, not cuDNN's cudnnBatchNormalization*. Why:
//   * the same formulas as the CPU layer (framework/layers/batchnorm2d.h) with the same precision choices:
//     per-channel sums in double, a two-pass variance, PyTorch's unbiased running_var - so GPU and CPU
//     agree to rounding, and a reader can compare the two files line by line;
//   * deterministic reductions (framework/cuda/channel_reduce.cuh: fixed-order, no atomics), in both
//     modes of set_deterministic();
//   * BatchNorm is memory-bound (a few reads of the activation), so hand-written kernels lose little.
// Also here: the channel sums behind Conv2d's and Linear's bias gradients.
#include <cuda_runtime.h>

#include "framework/cuda/channel_reduce.cuh"
#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/cuda/ops.h"

namespace melgrad::cuda {

namespace {

struct SumTerm {  // x
    const float* x;
    __device__ double2 operator()(int, size_t o) const { return make_double2(x[o], 0.0); }
};
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

__global__ void finalize_sum_add(const double2* partials, int splits, int C, float* out) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c < C) out[c] += (float)channel_total(partials, c, splits).x;
}

__global__ void finalize_mean(const double2* partials, int splits, int C, double m, double* mean) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c < C) mean[c] = channel_total(partials, c, splits).x / m;
}

// var, invstd, running statistics, and the per-channel affine map y = x * scale + shift.
__global__ void finalize_train(const double2* partials, int splits, int C, double m, const double* mean,
                               const float* gamma, const float* beta, float eps, float momentum, float* save_mean,
                               float* save_invstd, float* running_mean, float* running_var, float* scale,
                               float* shift) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
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
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= C) return;
    float invstd = 1.0f / sqrtf(running_var[c] + eps);
    save_mean[c] = running_mean[c];
    save_invstd[c] = invstd;
    scale[c] = gamma[c] * invstd;
    shift[c] = beta[c] - running_mean[c] * scale[c];
}

__global__ void apply_affine(const float* x, float* y, const float* scale, const float* shift, int C, int HW,
                             size_t n) {
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i >= n) return;
    int c = bias_channel(i, C, HW);
    y[i] = x[i] * scale[c] + shift[c];
}

// dbeta += sum dy, dgamma += sum dy*xhat; and the three per-channel coefficients of dx.
__global__ void finalize_backward(const double2* partials, int splits, int C, double m, bool training,
                                  const float* gamma, const float* invstd, float* dgamma, float* dbeta, float* k,
                                  float* mean_dy, float* mean_dy_xhat) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
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
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i >= n) return;
    int c = bias_channel(i, C, HW);
    float xhat = (x[i] - mean[c]) * invstd[c];
    dx[i] = (accumulate ? dx[i] : 0.0f) + k[c] * (dy[i] - mean_dy[c] - xhat * mean_dy_xhat[c]);
}

__global__ void bias_apply_kernel(float* y, const float* b, int K, int PQ, size_t n, bool accumulate) {
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i >= n) return;
    float v = b[bias_channel(i, K, PQ)];
    y[i] = accumulate ? y[i] + v : v;
}

unsigned channel_blocks(int C) { return blocks_for((size_t)C); }

}  // namespace

void channel_sum_add(const float* x, float* out, int N, int C, int HW) {
    const size_t m = (size_t)N * HW;
    const int splits = reduction_splits(m);
    DeviceBuffer partials((size_t)C * splits * sizeof(double2));
    launch_channel_partials(SumTerm{x}, N, C, HW, splits, partials.as<double2>(), stream());
    CUDA_CHECK_LAUNCH("channel_partials<SumTerm>");
    finalize_sum_add<<<channel_blocks(C), kThreads, 0, stream()>>>(partials.as<double2>(), splits, C, out);
    CUDA_CHECK_LAUNCH("finalize_sum_add");
}  // partials goes back to the cache here; the queued kernels still own it (one stream: see memory.h)

void bias_apply(float* y, const float* b, int N, int K, int PQ, bool accumulate) {
    size_t n = (size_t)N * K * PQ;
    if (n == 0) return;
    bias_apply_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(y, b, K, PQ, n, accumulate);
    CUDA_CHECK_LAUNCH("bias_apply_kernel");
}

void batchnorm2d_forward_train(const float* x, const float* gamma, const float* beta, float* y, float* save_mean,
                               float* save_invstd, float* running_mean, float* running_var, int N, int C, int HW,
                               float eps, float momentum) {
    const size_t m = (size_t)N * HW, n = m * C;
    const int splits = reduction_splits(m);
    DeviceBuffer partials((size_t)C * splits * sizeof(double2)), mean(C * sizeof(double)),
        affine(2 * C * sizeof(float));
    float* scale = affine.as<float>();
    float* shift = scale + C;
    launch_channel_partials(SumTerm{x}, N, C, HW, splits, partials.as<double2>(), stream());
    CUDA_CHECK_LAUNCH("channel_partials<SumTerm>");
    finalize_mean<<<channel_blocks(C), kThreads, 0, stream()>>>(partials.as<double2>(), splits, C, (double)m,
                                                                 mean.as<double>());
    CUDA_CHECK_LAUNCH("finalize_mean");
    launch_channel_partials(SquaredDeviationTerm{x, mean.as<double>()}, N, C, HW, splits, partials.as<double2>(),
                            stream());
    CUDA_CHECK_LAUNCH("channel_partials<SquaredDeviationTerm>");
    finalize_train<<<channel_blocks(C), kThreads, 0, stream()>>>(partials.as<double2>(), splits, C, (double)m,
                                                                  mean.as<double>(), gamma, beta, eps, momentum,
                                                                  save_mean, save_invstd, running_mean, running_var,
                                                                  scale, shift);
    CUDA_CHECK_LAUNCH("finalize_train");
    apply_affine<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, scale, shift, C, HW, n);
    CUDA_CHECK_LAUNCH("apply_affine");
}

void batchnorm2d_forward_eval(const float* x, const float* gamma, const float* beta, const float* running_mean,
                              const float* running_var, float* y, float* save_mean, float* save_invstd, int N, int C,
                              int HW, float eps) {
    const size_t n = (size_t)N * C * HW;
    DeviceBuffer affine(2 * C * sizeof(float));
    float* scale = affine.as<float>();
    float* shift = scale + C;
    finalize_eval<<<channel_blocks(C), kThreads, 0, stream()>>>(C, gamma, beta, running_mean, running_var, eps,
                                                                 save_mean, save_invstd, scale, shift);
    CUDA_CHECK_LAUNCH("finalize_eval");
    if (n == 0) return;
    apply_affine<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, scale, shift, C, HW, n);
    CUDA_CHECK_LAUNCH("apply_affine");
}

void batchnorm2d_backward(const float* x, const float* gamma, const float* save_mean, const float* save_invstd,
                          const float* dy, float* dx, float* dgamma, float* dbeta, int N, int C, int HW,
                          bool training, bool accumulate) {
    const size_t m = (size_t)N * HW, n = m * C;
    const int splits = reduction_splits(m);
    DeviceBuffer partials((size_t)C * splits * sizeof(double2)), coefficients(3 * C * sizeof(float));
    float* k = coefficients.as<float>();
    float* mean_dy = k + C;
    float* mean_dy_xhat = k + 2 * C;
    launch_channel_partials(BackwardTerm{x, dy, save_mean, save_invstd}, N, C, HW, splits, partials.as<double2>(),
                            stream());
    CUDA_CHECK_LAUNCH("channel_partials<BackwardTerm>");
    finalize_backward<<<channel_blocks(C), kThreads, 0, stream()>>>(partials.as<double2>(), splits, C, (double)m,
                                                                     training, gamma, save_invstd, dgamma, dbeta, k,
                                                                     mean_dy, mean_dy_xhat);
    CUDA_CHECK_LAUNCH("finalize_backward");
    if (!dx || n == 0) return;
    input_grad<<<blocks_for(n), kThreads, 0, stream()>>>(x, dy, save_mean, save_invstd, k, mean_dy, mean_dy_xhat, dx,
                                                          C, HW, n, accumulate);
    CUDA_CHECK_LAUNCH("input_grad");
}

}  // namespace melgrad::cuda
