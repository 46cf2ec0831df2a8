// The bias add and bias gradient of Conv2d (framework/layers/conv2d.cu) and Linear
// (framework/layers/linear.cu) on the GPU; kernels in framework/cuda/bias_kernels.cuh.
#include <cuda_runtime.h>

#include "framework/cuda/bias.h"
#include "framework/cuda/bias_kernels.cuh"
#include "framework/cuda/channel_reduce.cuh"
#include "framework/cuda/check.h"
#include "framework/cuda/memory.h"

namespace melgrad::cuda {

void channel_sum_add(const float* x, float* out, int N, int C, int HW) {
    const size_t m = (size_t)N * HW;
    const int splits = reduction_splits(m);
    DeviceBuffer partials_buffer((size_t)C * splits * sizeof(double2));
    double2* partials = partials_buffer.as<double2>();
    launch_channel_partials(kernels::SumTerm{x}, N, C, HW, splits, partials);
    CUDA_CHECK_LAUNCH("channel_partials<SumTerm>");
    kernels::finalize_sum_add<<<blocks_for((size_t)C), kThreads, 0, stream()>>>(partials, splits, C, out);
    CUDA_CHECK_LAUNCH("finalize_sum_add");
}  // partials_buffer goes back to the cache here; the queued kernels still own it (one stream: see memory.h)

void bias_apply(float* y, const float* b, int N, int K, int PQ, bool accumulate) {
    size_t n = (size_t)N * K * PQ;
    if (n == 0) return;
    kernels::bias_apply_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(y, b, K, PQ, n, accumulate);
    CUDA_CHECK_LAUNCH("bias_apply_kernel");
}

}  // namespace melgrad::cuda
