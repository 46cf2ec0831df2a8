// Dropout(p) — "inverted" dropout as in PyTorch:
//   training:   keep_i ~ Bernoulli(1 - p),  y_i = x_i * keep_i / (1 - p)     (expected value unchanged)
//   evaluation: y = x
// Backward: dx_i = dy_i * keep_i / (1 - p)  — the same mask, saved by the forward pass.
//
// The mask is drawn with counter_uniform(stream, i) (framework/rng.h): element i of the call's stream is
// kept when u >= p. The stream is derived from the layer's seed and a call counter, so a seed reproduces
// every mask, on the CPU or (same formula) on a GPU. Trainers set the seed per step with
// Module::set_random_stream() so that a resumed run draws the same masks as an uninterrupted one.
// In data-parallel training a rank holds samples [first, first + n) of the global batch
// (Module::set_sample_offset): its element i is element first * (numel / n) + i of the global batch, the
// index it is drawn with (`first_index` below), so N ranks draw exactly the masks one process draws.
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   dropout_forward / _backward          pick one          dropout.cpp
//   dropout_forward_cpu / _backward_cpu  the CPU loops     dropout.cpp
//   cuda::dropout_forward / _backward    the GPU launches  dropout.cu (kernels: dropout_kernels.cuh)
#pragma once
#include <cstdint>

#include "framework/backend.h"
#include "framework/module.h"

namespace melgrad {

void dropout_forward(Engine engine, const float* x, float* y, float* mask, size_t n, float p, uint64_t stream,
                     uint64_t first_index = 0);
void dropout_backward(Engine engine, const float* dy, const float* mask, float* dx, size_t n);

void dropout_forward_cpu(const float* x, float* y, float* mask, size_t n, float p, uint64_t stream,
                         uint64_t first_index = 0);
void dropout_backward_cpu(const float* dy, const float* mask, float* dx, size_t n);
namespace cuda {  // the GPU versions: the same signature, device pointers
void dropout_forward(const float* x, float* y, float* mask, size_t n, float p, uint64_t stream,
                     uint64_t first_index = 0);
void dropout_backward(const float* dy, const float* mask, float* dx, size_t n);
}  // namespace cuda

class Dropout : public Module {
public:
    explicit Dropout(float p = 0.5f);
    std::string type() const override { return "Dropout"; }
    std::string describe() const override;
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override { return input; }
    void set_random_stream(uint64_t seed) override { seed_ = seed; calls_ = 0; }
    void set_sample_offset(uint64_t first) override { first_sample_ = first; }

    float p;

private:
    uint64_t seed_ = 0, calls_ = 0, first_sample_ = 0;
};

}  // namespace melgrad
