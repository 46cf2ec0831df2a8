// Linear: y = x W^T + b   (PyTorch's nn.Linear)
//   x: (N, in)   W: (out, in)   b: (out)   y: (N, out)
// Backward, with dy = dL/dy:
//   dW = dy^T x        (out x in: sum over the batch of outer products dy[n] x[n]^T)
//   db = sum_n dy[n]
//   dx = dy W          (N x in)
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   linear_forward / _backward                      pick one                linear.cpp
//   linear_forward_reference / _backward_reference  plain loops, the truth  linear.cpp
//   linear_forward_fast / _backward_fast            OpenBLAS SGEMM          linear_fast.cpp
//   cuda::linear_forward / _backward                cuBLAS                  linear.cu
#pragma once
#include "framework/backend.h"
#include "framework/module.h"

namespace melgrad {

class Rng;

void linear_forward(Engine engine, const float* x, const float* w, const float* b, float* y, int N, int in, int out);
void linear_backward(Engine engine, const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                     int N, int in, int out);

void linear_forward_reference(const float* x, const float* w, const float* b, float* y, int N, int in, int out);
void linear_backward_reference(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                               int N, int in, int out);
void linear_forward_fast(const float* x, const float* w, const float* b, float* y, int N, int in, int out);
void linear_backward_fast(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                          int N, int in, int out);
namespace cuda {  // the GPU versions: the same signature, device pointers
void linear_forward(const float* x, const float* w, const float* b, float* y, int N, int in, int out);
void linear_backward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, int N, int in,
                     int out);
}  // namespace cuda

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
