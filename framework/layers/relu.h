// ReLU: y = max(0, x).   Backward: dx = dy where x > 0, else 0.
// (At x == 0 exactly the derivative does not exist; like PyTorch we use 0 there.)
#pragma once
#include "framework/module.h"

namespace melgrad {

void relu_forward_cpu(const float* x, float* y, size_t n);
// dx += (y > 0 ? dy : 0), or dx = ... when accumulate is false (a fresh gradient, see Tensor::grad_to_write).
void relu_backward_cpu(const float* y, const float* dy, float* dx, size_t n, bool accumulate);  // y > 0 <=> x > 0

class ReLU : public Module {
public:
    std::string type() const override { return "ReLU"; }
    std::string describe() const override { return "ReLU()"; }
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override { return input; }
};

}  // namespace melgrad
