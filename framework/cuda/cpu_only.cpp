// Every entry point of the CUDA backend, for a CPU-only build (nvcc or cuDNN not found by the Makefile):
// all of them are here, in one place. No CUDA tensor can exist in such a build (allocating one already
// fails with the clear error below), so the op stubs are a second safety net; the allocator reports itself
// empty and a CUDA graph cannot be captured. With MELGRAD_CUDA defined, the .cu files provide the real ones.
#ifndef MELGRAD_CUDA
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "framework/cuda/allocator.h"
#include "framework/cuda/bias.h"
#include "framework/cuda/graph.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/conv2d.h"
#include "framework/layers/dropout.h"
#include "framework/layers/elementwise.h"
#include "framework/layers/gru.h"
#include "framework/layers/leaky_relu.h"
#include "framework/layers/linear.h"
#include "framework/layers/pool2d.h"
#include "framework/layers/relu.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/layers/to_sequence.h"
#include "framework/optim/adam.h"
#include "framework/optim/sgd.h"
#include "framework/tensor.h"

namespace melgrad {
namespace {
[[noreturn]] void no_cuda(const std::string& what) {
    throw std::runtime_error(what + ": this melgrad was built without the CUDA backend (nvcc or cuDNN not found "
                                    "at build time)");
}
}  // namespace

// ---- devices and memory (framework/tensor.h) -------------------------------------------------------
bool cuda_compiled() { return false; }
bool cuda_available() { return false; }
namespace cuda_memory {
float* allocate(size_t) { no_cuda("CUDA memory"); }
void release(float*, size_t) {}
void copy(float*, bool, const float*, bool, size_t) { no_cuda("CUDA memory"); }
void fill(float*, float, size_t) { no_cuda("CUDA memory"); }
}  // namespace cuda_memory

namespace cuda {

// ---- the caching allocator (framework/cuda/allocator.h) and CUDA graphs (framework/cuda/graph.h) ---
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

// ---- the ops: cuda::NAME as declared in each layer's header ----------------------------------------
void channel_sum_add(const float*, float*, int, int, int) { no_cuda("channel_sum_add"); }
void bias_apply(float*, const float*, int, int, int, bool) { no_cuda("bias_apply"); }
void conv2d_forward(const float*, const float*, const float*, float*, const Conv2dGeometry&) {
    no_cuda("conv2d_forward");
}
void conv2d_backward(const float*, const float*, const float*, float*, float*, float*, const Conv2dGeometry&, bool) {
    no_cuda("conv2d_backward");
}
void linear_forward(const float*, const float*, const float*, float*, int, int, int) { no_cuda("linear_forward"); }
void linear_backward(const float*, const float*, const float*, float*, float*, float*, int, int, int) {
    no_cuda("linear_backward");
}
void batchnorm2d_forward_train(const float*, const float*, const float*, float*, float*, float*, float*, float*, int,
                               int, int, float, float) {
    no_cuda("batchnorm2d_forward_train");
}
void batchnorm2d_forward_eval(const float*, const float*, const float*, const float*, const float*, float*, float*,
                              float*, int, int, int, float) {
    no_cuda("batchnorm2d_forward_eval");
}
void batchnorm2d_backward(const float*, const float*, const float*, const float*, const float*, float*, float*,
                          float*, int, int, int, bool, bool) {
    no_cuda("batchnorm2d_backward");
}
void relu_forward(const float*, float*, size_t) { no_cuda("relu_forward"); }
void relu_backward(const float*, const float*, float*, size_t, bool) { no_cuda("relu_backward"); }
void leaky_relu_forward(const float*, float*, size_t, float) { no_cuda("leaky_relu_forward"); }
void leaky_relu_backward(const float*, const float*, float*, size_t, float, bool) { no_cuda("leaky_relu_backward"); }
void add_into(float*, const float*, size_t) { no_cuda("add_into"); }
void dropout_forward(const float*, float*, float*, size_t, float, uint64_t, uint64_t) { no_cuda("dropout_forward"); }
void dropout_backward(const float*, const float*, float*, size_t) { no_cuda("dropout_backward"); }
void maxpool2d_forward(const float*, float*, int32_t*, const Pool2dGeometry&) { no_cuda("maxpool2d_forward"); }
void maxpool2d_backward(const float*, const int32_t*, float*, const Pool2dGeometry&, bool) {
    no_cuda("maxpool2d_backward");
}
void avgpool2d_forward(const float*, float*, const Pool2dGeometry&) { no_cuda("avgpool2d_forward"); }
void avgpool2d_backward(const float*, float*, const Pool2dGeometry&) { no_cuda("avgpool2d_backward"); }
void softmax_cross_entropy_forward(const float*, const int*, float*, float*, int, int) {
    no_cuda("softmax_cross_entropy_forward");
}
void softmax_cross_entropy_backward(const float*, const int*, const float*, float*, int, int) {
    no_cuda("softmax_cross_entropy_backward");
}
void gru_forward(const float*, const float*, const float*, const float*, const float*, float*, float*, float*, int,
                 int, int, int) {
    no_cuda("gru_forward");
}
void gru_output(const float*, float*, bool, int, int, int) { no_cuda("gru_output"); }
void gru_backward(const float*, const float*, const float*, const float*, const float*, const float*, bool, float*,
                  float*, float*, float*, float*, int, int, int, int) {
    no_cuda("gru_backward");
}
void to_sequence_forward(const float*, float*, int, int, int, int) { no_cuda("to_sequence_forward"); }
void to_sequence_backward(const float*, float*, int, int, int, int) { no_cuda("to_sequence_backward"); }
void sgd_update(float*, const float*, float*, size_t, const SgdScalars&) { no_cuda("sgd_update"); }
void adam_update(float*, const float*, float*, float*, size_t, const AdamScalars&) { no_cuda("adam_update"); }

}  // namespace cuda
}  // namespace melgrad
#endif
