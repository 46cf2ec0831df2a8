// Max and average pooling, our own kernels (cuDNN's pooling would need its own descriptors and its max-pool
// backward recomputes the argmax from x and y; ours keeps the argmax the CPU keeps, so the tie rule - first
// maximum wins - is the same by construction). The window bodies are __host__ __device__ functions in
// framework/cuda/index_math.h, tested on the CPU.
//
// Forward: one thread per output. Backward: one thread per INPUT, gathering from the outputs whose window
// covers it (pool_outputs_covering). The CPU scatters instead; a GPU scatter would need atomicAdd when
// windows overlap (stride < kernel), which is slower and not deterministic. Gathering is both.
#include <cuda_runtime.h>

#include "framework/cuda/check.h"
#include "framework/layers/pool2d_kernels.cuh"
#include "framework/cuda/memory.h"
#include "framework/layers/pool2d.h"

namespace melgrad::cuda {

void maxpool2d_forward(const float* x, float* y, int32_t* argmax, const Pool2dGeometry& g) {
    size_t n = (size_t)g.N * g.C * g.P * g.Q;
    if (n == 0) return;
    kernels::maxpool_forward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, argmax, g, n);
    CUDA_CHECK_LAUNCH("maxpool_forward_kernel");
}
void maxpool2d_backward(const float* dy, const int32_t* argmax, float* dx, const Pool2dGeometry& g, bool accumulate) {
    size_t n = (size_t)g.N * g.C * g.H * g.W;
    if (n == 0) return;
    kernels::maxpool_backward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(dy, argmax, dx, g, n, accumulate);
    CUDA_CHECK_LAUNCH("maxpool_backward_kernel");
}
void avgpool2d_forward(const float* x, float* y, const Pool2dGeometry& g) {
    size_t n = (size_t)g.N * g.C * g.P * g.Q;
    if (n == 0) return;
    kernels::avgpool_forward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(x, y, g, n);
    CUDA_CHECK_LAUNCH("avgpool_forward_kernel");
}
void avgpool2d_backward(const float* dy, float* dx, const Pool2dGeometry& g) {
    size_t n = (size_t)g.N * g.C * g.H * g.W;
    if (n == 0) return;
    kernels::avgpool_backward_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(dy, dx, g, n);
    CUDA_CHECK_LAUNCH("avgpool_backward_kernel");
}

}  // namespace melgrad::cuda
