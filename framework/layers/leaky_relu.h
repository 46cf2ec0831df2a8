// LeakyReLU(negative_slope): PyTorch's nn.LeakyReLU, default slope 0.01. Unlike ReLU it lets a small
// gradient through for negative inputs, so a unit that went negative can still learn.
//   y  = x                    for x > 0,   negative_slope * x   otherwise
//   dx = dy                   for x > 0,   negative_slope * dy  otherwise   (d/dx of each piece; at x = 0,
//                                                                          as PyTorch, the slope piece)
// The book builds this layer step by step as its worked example of adding a layer
// (docs/14-add-a-layer.md).
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   leaky_relu_forward / _backward          pick one          leaky_relu.cpp
//   leaky_relu_forward_cpu / _backward_cpu  the CPU loops     leaky_relu.cpp
//   cuda::leaky_relu_forward / _backward    the GPU launches  leaky_relu.cu (kernels: leaky_relu_kernels.cuh)
#pragma once
#include "framework/backend.h"
#include "framework/module.h"

namespace melgrad {

void leaky_relu_forward(Engine engine, const float* x, float* y, size_t n, float negative_slope);
// dx += (x > 0 ? dy : negative_slope * dy), or dx = ... when accumulate is false (a fresh gradient that has
// not been zeroed: Tensor::grad_to_write).
void leaky_relu_backward(Engine engine, const float* x, const float* dy, float* dx, size_t n, float negative_slope,
                         bool accumulate);

void leaky_relu_forward_cpu(const float* x, float* y, size_t n, float negative_slope);
void leaky_relu_backward_cpu(const float* x, const float* dy, float* dx, size_t n, float negative_slope,
                             bool accumulate);
namespace cuda {  // the GPU versions: the same signature, device pointers
void leaky_relu_forward(const float* x, float* y, size_t n, float negative_slope);
void leaky_relu_backward(const float* x, const float* dy, float* dx, size_t n, float negative_slope,
                         bool accumulate);
}  // namespace cuda

class LeakyReLU : public Module {
public:
    explicit LeakyReLU(float negative_slope = 0.01f);
    std::string type() const override { return "LeakyReLU"; }
    std::string describe() const override;  // "LeakyReLU(negative_slope=0.01)", as PyTorch prints it
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override { return input; }

    float negative_slope;
};

}  // namespace melgrad
