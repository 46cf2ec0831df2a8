// In a CPU-only build (no nvcc or no cuDNN at build time) the plain-C++ entry points of the CUDA backend
// still link: the allocator reports itself empty and a CUDA graph cannot be captured (a clear error).
// With MELGRAD_CUDA defined, memory.cu and graph.cu provide the real ones.
#ifndef MELGRAD_CUDA
#include <stdexcept>

#include "framework/cuda/allocator.h"
#include "framework/cuda/graph.h"

namespace melgrad::cuda {

AllocatorStats allocator_stats() { return {}; }
void empty_cache() {}
int begin_private_pool() { return 0; }
void end_private_pool() {}
void release_private_pool(int) {}

struct CudaGraphStep::Impl {
    std::function<void()> step;
};
CudaGraphStep::CudaGraphStep(std::function<void()> step) : impl_(std::make_unique<Impl>()) {
    impl_->step = std::move(step);
}
CudaGraphStep::~CudaGraphStep() = default;
void CudaGraphStep::capture() {
    throw std::runtime_error("CUDA graphs need the CUDA backend; this melgrad was built without it");
}
void CudaGraphStep::replay() { throw std::logic_error("CudaGraphStep::replay before capture()"); }
bool CudaGraphStep::captured() const { return false; }
uint64_t CudaGraphStep::replays() const { return 0; }

}  // namespace melgrad::cuda
#endif
