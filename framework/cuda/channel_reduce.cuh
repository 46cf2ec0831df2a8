// Deterministic per-channel sums over an (N, C, HW) tensor, in double, for BatchNorm statistics and bias
// gradients. Two kernels and no atomics:
//   1. channel_partials: grid (C, splits); block (c, s) sums its range of the channel's m = N*HW elements
//      (split_range) with a fixed-shape tree in shared memory and writes one partial;
//   2. the caller's finalize kernel adds the `splits` partials of a channel in order.
// The same inputs therefore give the same bits in every run, whatever the GPU's scheduling.
// Each element contributes two values (a double2: .x and .y), so BatchNorm's backward gets sum(dy) and
// sum(dy * xhat) in one pass; single sums leave .y at 0.
// (Kernels only, no CUDA headers, so that the CPU tests run them on the kernel emulator; the launch helper
// at the end is compiled by nvcc alone.)
#pragma once
#include <stddef.h>

#include "framework/cuda/index_math.h"

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see framework/cuda/thread_index.cuh

struct SumTerm {  // x: a plain sum (bias gradients, BatchNorm's mean)
    const float* x;
    __device__ double2 operator()(int, size_t o) const { return make_double2(x[o], 0.0); }
};

// term(c, offset) -> double2 for the element at `offset` of channel c.
template <class Term>
__global__ void channel_partials(Term term, int C, int HW, size_t m, int splits, double2* partials) {
    const int c = blockIdx.x, s = blockIdx.y;  // channels on x: gridDim.y stops at 65535, x at 2^31 - 1
    size_t begin, end;
    split_range(m, splits, s, &begin, &end);
    double ax = 0, ay = 0;
    for (size_t j = begin + threadIdx.x; j < end; j += blockDim.x) {
        double2 v = term(c, channel_offset(j, c, C, HW));
        ax += v.x;
        ay += v.y;
    }
    __shared__ double sx[kReduceThreads], sy[kReduceThreads];
    sx[threadIdx.x] = ax;
    sy[threadIdx.x] = ay;
    __syncthreads();
    for (int half = kReduceThreads / 2; half > 0; half /= 2) {
        if ((int)threadIdx.x < half) {
            sx[threadIdx.x] += sx[threadIdx.x + half];
            sy[threadIdx.x] += sy[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) partials[(size_t)c * splits + s] = make_double2(sx[0], sy[0]);
}

// The sum of channel c's partials, in split order (call from a finalize kernel).
__device__ inline double2 channel_total(const double2* partials, int c, int splits) {
    double x = 0, y = 0;
    for (int s = 0; s < splits; s++) {
        x += partials[(size_t)c * splits + s].x;
        y += partials[(size_t)c * splits + s].y;
    }
    return make_double2(x, y);
}

}  // namespace
}  // namespace melgrad::cuda::kernels

#ifdef __CUDACC__
#include "framework/cuda/memory.h"
namespace melgrad::cuda {
// Step 1 for every channel of an (N, C, HW) tensor: grid (C, splits), one partial per block.
template <class Term>
void launch_channel_partials(Term term, int N, int C, int HW, int splits, double2* partials) {
    dim3 grid((unsigned)C, (unsigned)splits);
    kernels::channel_partials<<<grid, kReduceThreads, 0, stream()>>>(term, C, HW, (size_t)N * HW, splits, partials);
}
}  // namespace melgrad::cuda
#endif
