// In a CPU-only build (no nvcc or no cuDNN found by the Makefile) every CUDA entry point ends here and
// says so clearly. With MELGRAD_CUDA defined, framework/cuda/ provides the real ones.
#ifndef MELGRAD_CUDA
#include <cstddef>
#include <stdexcept>

#include "framework/tensor.h"

namespace melgrad {
namespace {
[[noreturn]] void no_cuda() {
    throw std::runtime_error("this melgrad was built without the CUDA backend (nvcc or cuDNN not found at build time)");
}
}  // namespace
namespace cuda_memory {
float* allocate(size_t) { no_cuda(); }
void release(float*, size_t) {}
void copy(float*, bool, const float*, bool, size_t) { no_cuda(); }
void fill(float*, float, size_t) { no_cuda(); }
}  // namespace cuda_memory
bool cuda_compiled() { return false; }
bool cuda_available() { return false; }
}  // namespace melgrad
#endif
