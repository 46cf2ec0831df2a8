// ReLU: y = max(0, x).   Backward: dx = dy where x > 0, else 0.
// (At x == 0 exactly the derivative does not exist; like PyTorch we use 0 there.)
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   relu_forward / _backward          pick one          relu.cpp
//   relu_forward_cpu / _backward_cpu  the CPU loops     relu.cpp
//   cuda::relu_forward / _backward    the GPU launches  relu.cu (kernels: relu_kernels.cuh)
#pragma once
#include "framework/backend.h"
#include "framework/module.h"

namespace melgrad {

void relu_forward(Engine engine, const float* x, float* y, size_t n);
// dx += (y > 0 ? dy : 0), or dx = ... when accumulate is false (a fresh gradient, see Tensor::grad_to_write).
void relu_backward(Engine engine, const float* y, const float* dy, float* dx, size_t n, bool accumulate);

void relu_forward_cpu(const float* x, float* y, size_t n);
void relu_backward_cpu(const float* y, const float* dy, float* dx, size_t n, bool accumulate);  // y > 0 <=> x > 0
namespace cuda {
void relu_forward(const float* x, float* y, size_t n);
void relu_backward(const float* y, const float* dy, float* dx, size_t n, bool accumulate);
}  // namespace cuda

class ReLU : public Module {
public:
    std::string type() const override { return "ReLU"; }
    std::string describe() const override { return "ReLU()"; }
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override { return input; }
};

}  // namespace melgrad
