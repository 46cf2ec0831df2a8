// Pooling layers, NCHW, no padding, PyTorch semantics (floor for the output size).
//
// MaxPool2d(kernel_size, stride = kernel_size):
//   y[n,c,p,q] = max over the window  x[n, c, p*stride + i, q*stride + j],  0 <= i,j < kernel
//   Backward: the whole gradient goes to the input that was the maximum (the first one, on ties — as
//   PyTorch), so forward saves the argmax index:  dx[argmax] += dy[n,c,p,q].
// AvgPool2d(kernel_size, stride = kernel_size):
//   y = mean of the window;  backward: every input of the window gets dy / kernel^2.
// GlobalAvgPool2d (PyTorch's AdaptiveAvgPool2d(1)): y[n,c,0,0] = mean over H*W; dx = dy / (H*W).
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   maxpool2d_forward, avgpool2d_forward, ..._backward  pick one          pool2d.cpp
//   maxpool2d_forward_cpu, ...                          the CPU loops     pool2d.cpp
//   cuda::maxpool2d_forward, ...                        the GPU launches  pool2d.cu (kernels: pool2d_kernels.cuh)
#pragma once
#include <cstdint>

#include "framework/backend.h"
#include "framework/module.h"

namespace melgrad {

struct Pool2dGeometry {
    int N, C, H, W;
    int kh, kw, sh, sw;  // window and stride, rows then columns
    int P, Q;          // output height, width
};

void maxpool2d_forward(Engine engine, const float* x, float* y, int32_t* argmax, const Pool2dGeometry& g);
void maxpool2d_backward(Engine engine, const float* dy, const int32_t* argmax, float* dx, const Pool2dGeometry& g,
                        bool accumulate);
void avgpool2d_forward(Engine engine, const float* x, float* y, const Pool2dGeometry& g);
void avgpool2d_backward(Engine engine, const float* dy, float* dx, const Pool2dGeometry& g);

void maxpool2d_forward_cpu(const float* x, float* y, int32_t* argmax, const Pool2dGeometry& g);
// accumulate=false: dx is fresh, uninitialised memory (Tensor::grad_to_write); it is written, not added to.
void maxpool2d_backward_cpu(const float* dy, const int32_t* argmax, float* dx, const Pool2dGeometry& g,
                            bool accumulate);
void avgpool2d_forward_cpu(const float* x, float* y, const Pool2dGeometry& g);
void avgpool2d_backward_cpu(const float* dy, float* dx, const Pool2dGeometry& g);
namespace cuda {  // the GPU versions: the same signature, device pointers
void maxpool2d_forward(const float* x, float* y, int32_t* argmax, const Pool2dGeometry& g);
void maxpool2d_backward(const float* dy, const int32_t* argmax, float* dx, const Pool2dGeometry& g, bool accumulate);
void avgpool2d_forward(const float* x, float* y, const Pool2dGeometry& g);
void avgpool2d_backward(const float* dy, float* dx, const Pool2dGeometry& g);
}  // namespace cuda

class MaxPool2d : public Module {
public:
    explicit MaxPool2d(int kernel_size, int stride = 0);  // stride 0 = kernel_size (PyTorch's default)
    std::string type() const override { return "MaxPool2d"; }
    std::string describe() const override;
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override;
    int kernel_size, stride;
};

class AvgPool2d : public Module {
public:
    explicit AvgPool2d(int kernel_size, int stride = 0);
    std::string type() const override { return "AvgPool2d"; }
    std::string describe() const override;
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override;
    int kernel_size, stride;
};

class GlobalAvgPool2d : public Module {
public:
    std::string type() const override { return "GlobalAvgPool2d"; }
    std::string describe() const override { return "GlobalAvgPool2d()"; }
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override;
};

}  // namespace melgrad
