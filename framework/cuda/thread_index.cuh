// The global index of this thread in a one-dimensional launch (one thread per element).
//
// All kernel headers (NAME_kernels.cuh beside each NAME.cu, and framework/cuda/*.cuh) put their kernels in an anonymous namespace: each file that
// includes one - its .cu file, and the CPU test that runs the kernels on the emulator
// (tests/cuda/kernel_emulator.h) - gets its own private copy. Otherwise, in a CUDA build, the test's
// emulated kernels and nvcc's host-side launch stubs of the same kernels would share one symbol name, and
// the linker would keep only one of them.
#pragma once
#include <stddef.h>

namespace melgrad::cuda::kernels {
namespace {  // internal linkage: see above

__device__ inline size_t thread_index() { return blockIdx.x * (size_t)blockDim.x + threadIdx.x; }

}  // namespace
}  // namespace melgrad::cuda::kernels
