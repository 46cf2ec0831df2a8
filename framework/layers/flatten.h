// Flatten: (N, C, H, W) -> (N, C*H*W). Row-major storage is already in that order, so the forward pass
// only changes the shape; the backward pass adds the output gradient, reshaped, into the input's.
#pragma once
#include "framework/module.h"

namespace melgrad {

class Flatten : public Module {
public:
    std::string type() const override { return "Flatten"; }
    std::string describe() const override { return "Flatten()"; }
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override;
};

}  // namespace melgrad
