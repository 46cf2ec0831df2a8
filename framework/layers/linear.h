// Linear: y = x W^T + b   (PyTorch's nn.Linear)
//   x: (N, in)   W: (out, in)   b: (out)   y: (N, out)
// Backward, with dy = dL/dy:
//   dW = dy^T x        (out x in: sum over the batch of outer products dy[n] x[n]^T)
//   db = sum_n dy[n]
//   dx = dy W          (N x in)
#pragma once
#include "framework/module.h"

namespace melgrad {

class Rng;

void linear_forward_reference(const float* x, const float* w, const float* b, float* y, int N, int in, int out);
void linear_backward_reference(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                               int N, int in, int out);
void linear_forward_fast(const float* x, const float* w, const float* b, float* y, int N, int in, int out);
void linear_backward_fast(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                          int N, int in, int out);

class Linear : public Module {
public:
    Linear(int in_features, int out_features, bool bias = true);
    std::string type() const override { return "Linear"; }
    std::string describe() const override;
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override;
    void collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) override;
    void reset_parameters(Rng& rng);  // PyTorch default: U(-1/sqrt(in), 1/sqrt(in)) for W and b

    int in_features, out_features;
    Tensor weight, bias;
};

}  // namespace melgrad
