// ToSequence: conv feature maps -> a sequence for a recurrent layer, (N, C, H, W) -> (N, W, C·H).
// Time runs along W (the spectrogram's frame axis); the features of step w are every channel's column w,
// all remaining mel rows:  y[n, w, c·H + h] = x[n, c, h, w].
// It only moves values, so the backward pass moves the gradient back:  dx[n, c, h, w] += dy[n, w, c·H + h].
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   to_sequence_forward / _backward          pick one          to_sequence.cpp
//   to_sequence_forward_cpu / _backward_cpu  the CPU loops     to_sequence.cpp
//   cuda::to_sequence_forward / _backward    the GPU launches  to_sequence.cu (kernels: to_sequence_kernels.cuh)
#pragma once
#include "framework/backend.h"
#include "framework/module.h"

namespace melgrad {

void to_sequence_forward(Engine engine, const float* x, float* y, int N, int C, int H, int W);
void to_sequence_backward(Engine engine, const float* dy, float* dx, int N, int C, int H, int W);

void to_sequence_forward_cpu(const float* x, float* y, int N, int C, int H, int W);
void to_sequence_backward_cpu(const float* dy, float* dx, int N, int C, int H, int W);
namespace cuda {  // the GPU versions: the same signature, device pointers
void to_sequence_forward(const float* x, float* y, int N, int C, int H, int W);
void to_sequence_backward(const float* dy, float* dx, int N, int C, int H, int W);
}  // namespace cuda

class ToSequence : public Module {
public:
    std::string type() const override { return "ToSequence"; }
    std::string describe() const override { return "ToSequence(time=W, features=C*H)"; }
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override;
};

}  // namespace melgrad
