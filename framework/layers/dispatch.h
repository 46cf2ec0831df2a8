// One place decides which implementation of an op runs, from where the tensor lives:
//   CUDA tensor                -> cuda::NAME(...)            (framework/cuda/, when compiled in)
//   CPU tensor, CpuPath::Fast  -> NAME_fast(...)             (framework/cpu/: im2col + SGEMM)
//   CPU tensor, Reference      -> NAME_reference(...)        (plain loops, next to the layer)
// Ops whose CPU code has a single version (elementwise, pooling, BatchNorm, GRU) use MELGRAD_DISPATCH_CPU1,
// which calls NAME_cpu(...) for CPU tensors.
#pragma once
#include <stdexcept>
#include <string>

#include "framework/backend.h"
#include "framework/tensor.h"

namespace melgrad {
[[noreturn]] inline void cuda_op_missing(const char* op) {
    throw std::runtime_error(std::string("op '") + op + "' has no CUDA implementation in this build");
}
}  // namespace melgrad

// With the CUDA backend compiled in (the Makefile defines MELGRAD_CUDA), CUDA tensors go to the function of
// the same name and signature in framework/cuda/ops.h; in a CPU-only build no CUDA tensor can exist (its
// allocation already fails with a clear error), and the call below is a second safety net.
#ifdef MELGRAD_CUDA
#include "framework/cuda/ops.h"
#define MELGRAD_CUDA_CALL(fn, ...) ::melgrad::cuda::fn(__VA_ARGS__)
#else
#define MELGRAD_CUDA_CALL(fn, ...) ::melgrad::cuda_op_missing(#fn)
#endif

#define MELGRAD_DISPATCH(t, fn, ...)                                            \
    do {                                                                        \
        if ((t).device() == ::melgrad::Device::CUDA) MELGRAD_CUDA_CALL(fn, __VA_ARGS__); \
        else if (::melgrad::cpu_path() == ::melgrad::CpuPath::Fast) fn##_fast(__VA_ARGS__); \
        else fn##_reference(__VA_ARGS__);                                       \
    } while (0)

#define MELGRAD_DISPATCH_CPU1(t, fn, ...)                                       \
    do {                                                                        \
        if ((t).device() == ::melgrad::Device::CUDA) MELGRAD_CUDA_CALL(fn, __VA_ARGS__); \
        else fn##_cpu(__VA_ARGS__);                                             \
    } while (0)
