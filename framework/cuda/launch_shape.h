// Launch configuration for one thread per element: blocks of kThreads threads, enough blocks to cover n.
// Plain C++ (no CUDA headers), so the CPU tests that run our kernels on the kernel emulator
// (tests/cuda/kernel_emulator.h) launch them with the very shape the .cu files use.
#pragma once
#include <cstddef>

namespace melgrad::cuda {

constexpr int kThreads = 256;
inline unsigned blocks_for(size_t n, int threads = kThreads) { return (unsigned)((n + threads - 1) / threads); }

}  // namespace melgrad::cuda
