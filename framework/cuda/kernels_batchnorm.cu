// BatchNorm2d on the GPU: our own kernels, not cuDNN's cudnnBatchNormalization*. Why:
//   * the same formulas as the CPU layer (framework/layers/batchnorm2d.h) with the same precision choices:
//     per-channel sums in double, a two-pass variance, PyTorch's unbiased running_var - so GPU and CPU
//     agree to rounding, and a reader can compare the two files line by line;
//   * deterministic reductions (framework/cuda/channel_reduce.cuh: fixed-order, no atomics), in both
//     modes of set_deterministic();
//   * BatchNorm is memory-bound (a few reads of the activation), so hand-written kernels lose little.
// Also here: the channel sums behind Conv2d's and Linear's bias gradients.
#include <cuda_runtime.h>

#include "framework/cuda/bias.h"
#include "framework/cuda/check.h"
#include "framework/cuda/kernels_batchnorm.cuh"
#include "framework/cuda/memory.h"
#include "framework/cuda/ops.h"

namespace melgrad::cuda {

namespace {

// grid (C, splits): see framework/cuda/channel_reduce.cuh.
template <class Term>
void launch_channel_partials(Term term, int N, int C, int HW, int splits, double2* partials) {
    dim3 grid((unsigned)C, (unsigned)splits);
    kernels::channel_partials<<<grid, kReduceThreads, 0, stream()>>>(term, C, HW, (size_t)N * HW, splits, partials);
}

unsigned channel_blocks(int C) { return blocks_for((size_t)C); }

}  // namespace

void channel_sum_add(const float* x, float* out, int N, int C, int HW) {
    const size_t m = (size_t)N * HW;
    const int splits = reduction_splits(m);
    DeviceBuffer partials_buffer((size_t)C * splits * sizeof(double2));
    double2* partials = partials_buffer.as<double2>();
    launch_channel_partials(kernels::SumTerm{x}, N, C, HW, splits, partials);
    CUDA_CHECK_LAUNCH("channel_partials<SumTerm>");
    kernels::finalize_sum_add<<<channel_blocks(C), kThreads, 0, stream()>>>(partials, splits, C, out);
    CUDA_CHECK_LAUNCH("finalize_sum_add");
}  // partials_buffer goes back to the cache here; the queued kernels still own it (one stream: see memory.h)

void bias_apply(float* y, const float* b, int N, int K, int PQ, bool accumulate) {
    size_t n = (size_t)N * K * PQ;
    if (n == 0) return;
    kernels::bias_apply_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(y, b, K, PQ, n, accumulate);
    CUDA_CHECK_LAUNCH("bias_apply_kernel");
}

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
