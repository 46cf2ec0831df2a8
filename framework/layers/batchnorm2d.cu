// BatchNorm2d on the GPU: our own kernels, not cuDNN's cudnnBatchNormalization*. Why:
//   * the same formulas as the CPU layer (framework/layers/batchnorm2d.h) with the same precision choices:
//     per-channel sums in double, a two-pass variance, PyTorch's unbiased running_var - so GPU and CPU
//     agree to rounding, and a reader can compare the two files line by line;
//   * deterministic reductions (framework/cuda/channel_reduce.cuh: fixed-order, no atomics), in both
//     modes of set_deterministic();
//   * BatchNorm is memory-bound (a few reads of the activation), so hand-written kernels lose little.
#include <cuda_runtime.h>

#include "framework/cuda/channel_reduce.cuh"
#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/batchnorm2d_kernels.cuh"

namespace melgrad::cuda {

namespace {
unsigned channel_blocks(int C) { return blocks_for((size_t)C); }  // one thread per channel
}  // namespace

void batchnorm2d_forward_train(const float* x, const float* gamma, const float* beta, float* y, float* save_mean,
                               float* save_invstd, float* running_mean, float* running_var, int N, int C, int HW,
                               float eps, float momentum) {
    const size_t m = (size_t)N * HW, n = m * C;
    const int splits = reduction_splits(m);
    DeviceBuffer partials_buffer((size_t)C * splits * sizeof(double2)), mean_buffer(C * sizeof(double)),
        affine(2 * C * sizeof(float));
    double2* partials = partials_buffer.as<double2>();
    double* mean = mean_buffer.as<double>();
    float* scale = affine.as<float>();
    float* shift = scale + C;
    launch_channel_partials(kernels::SumTerm{x}, N, C, HW, splits, partials);
    CUDA_CHECK_LAUNCH("channel_partials<SumTerm>");
    kernels::finalize_mean<<<channel_blocks(C), kThreads, 0, stream()>>>(partials, splits, C, (double)m, mean);
    CUDA_CHECK_LAUNCH("finalize_mean");
    launch_channel_partials(kernels::SquaredDeviationTerm{x, mean}, N, C, HW, splits, partials);
    CUDA_CHECK_LAUNCH("channel_partials<SquaredDeviationTerm>");
    kernels::finalize_train<<<channel_blocks(C), kThreads, 0, stream()>>>(partials, splits, C, (double)m, mean, gamma,
                                                                           beta, eps, momentum, save_mean, save_invstd,
                                                                           running_mean, running_var, scale, shift);
    CUDA_CHECK_LAUNCH("finalize_train");
    kernels::apply_affine<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, scale, shift, C, HW, n);
    CUDA_CHECK_LAUNCH("apply_affine");
}

void batchnorm2d_forward_eval(const float* x, const float* gamma, const float* beta, const float* running_mean,
                              const float* running_var, float* y, float* save_mean, float* save_invstd, int N, int C,
                              int HW, float eps) {
    const size_t n = (size_t)N * C * HW;
    DeviceBuffer affine(2 * C * sizeof(float));
    float* scale = affine.as<float>();
    float* shift = scale + C;
    kernels::finalize_eval<<<channel_blocks(C), kThreads, 0, stream()>>>(C, gamma, beta, running_mean, running_var,
                                                                          eps, save_mean, save_invstd, scale, shift);
    CUDA_CHECK_LAUNCH("finalize_eval");
    if (n == 0) return;
    kernels::apply_affine<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, scale, shift, C, HW, n);
    CUDA_CHECK_LAUNCH("apply_affine");
}

void batchnorm2d_backward(const float* x, const float* gamma, const float* save_mean, const float* save_invstd,
                          const float* dy, float* dx, float* dgamma, float* dbeta, int N, int C, int HW,
                          bool training, bool accumulate) {
    const size_t m = (size_t)N * HW, n = m * C;
    const int splits = reduction_splits(m);
    DeviceBuffer partials_buffer((size_t)C * splits * sizeof(double2)), coefficients(3 * C * sizeof(float));
    double2* partials = partials_buffer.as<double2>();
    float* k = coefficients.as<float>();
    float* mean_dy = k + C;
    float* mean_dy_xhat = k + 2 * C;
    launch_channel_partials(kernels::BackwardTerm{x, dy, save_mean, save_invstd}, N, C, HW, splits, partials);
    CUDA_CHECK_LAUNCH("channel_partials<BackwardTerm>");
    kernels::finalize_backward<<<channel_blocks(C), kThreads, 0, stream()>>>(partials, splits, C, (double)m, training,
                                                                              gamma, save_invstd, dgamma, dbeta, k,
                                                                              mean_dy, mean_dy_xhat);
    CUDA_CHECK_LAUNCH("finalize_backward");
    if (!dx || n == 0) return;
    kernels::input_grad<<<blocks_for(n), kThreads, 0, stream()>>>(x, dy, save_mean, save_invstd, k, mean_dy,
                                                                   mean_dy_xhat, dx, C, HW, n, accumulate);
    CUDA_CHECK_LAUNCH("input_grad");
}

}  // namespace melgrad::cuda
