// A small CPU emulator for OUR CUDA kernels, so that their code - not a copy of it - runs in the tests on
// machines with no GPU (CI, and most readers' laptops). It gives a kernel file what nvcc would:
//   __global__ / __device__ / __host__ / __shared__ , threadIdx, blockIdx, blockDim, gridDim, dim3, uint3,
//   double2 / make_double2, __syncthreads(), and the __f*_rn float intrinsics;
// and launch(grid, block, kernel, args...) stands for kernel<<<grid, block>>>(args...).
//
// How a launch runs: blocks one after another; inside a block, every thread is a fiber (ucontext) on one
// OS thread. A fiber runs until it finishes or reaches __syncthreads(), then the next fiber runs; when all
// threads of the block wait at the barrier, they are all released. So barriers and __shared__ memory
// (a static local: one copy, seen by every thread of the block) behave as on a GPU.
//
// What it catches: wrong index math, missing bounds guards (with the tests' guard zones), reductions that
// add the wrong things, and - by running threads and blocks in reverse order too (Order::Reverse) and
// comparing - results that depend on scheduling, e.g. a missing __syncthreads(). A barrier reached by only
// some threads of a block is reported as an error (undefined behaviour in CUDA).
// What it cannot: the speed, warp-level behaviour, the GPU's float contraction (nvcc may fuse a*b + c into
// an FMA where the kernel does not forbid it) and everything of cuDNN and cuBLAS. Those need the GPU tests.
//
// Include this before the kernel headers (framework/cuda/kernels_*.cuh), and never together with
// cuda_runtime.h: both define the same built-ins.
#pragma once
#ifdef __CUDA_RUNTIME_H__
#error "kernel_emulator.h replaces CUDA's built-ins; do not include cuda_runtime.h in the same file"
#endif

#include <math.h>

#include <functional>

#define __global__
#define __device__
#define __host__
#define __shared__ static

struct uint3 {
    unsigned x, y, z;
};
struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct double2 {
    double x, y;
};
inline double2 make_double2(double x, double y) { return {x, y}; }

// The current thread's coordinates, set by the emulator before each fiber runs.
extern uint3 threadIdx, blockIdx;
extern dim3 blockDim, gridDim;

// IEEE-rounded single operations (the test build has -ffp-contract=off, so nothing is fused here either).
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return sqrtf(a); }

void __syncthreads();

namespace melgrad::kernel_emulator {

enum class Order { Forward, Reverse };  // the order in which blocks, and threads within a block, run

// Runs body once per thread of every block of the grid. Throws std::logic_error for an empty or too large
// block, and when only some threads of a block reach a barrier.
void run_grid(dim3 grid, dim3 block, Order order, const std::function<void()>& body);

// kernel<<<grid, block>>>(args...), in the given order.
template <class Kernel, class... Args>
void launch(Order order, dim3 grid, dim3 block, Kernel kernel, Args... args) {
    run_grid(grid, block, order, [&] { kernel(args...); });
}

}  // namespace melgrad::kernel_emulator
