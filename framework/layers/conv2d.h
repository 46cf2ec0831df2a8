// Conv2d: 2-D convolution (really cross-correlation, as in every DL framework), NCHW.
//
//   x: (N, C, H, W)   weight: (K, C, R, S)   bias: (K)   y: (N, K, P, Q)
//   P = (H + 2*pad_h - R) / stride_h + 1,  Q = (W + 2*pad_w - S) / stride_w + 1
//   y[n,k,p,q] = bias[k] + sum_{c,r,s} weight[k,c,r,s] * x[n, c, p*stride_h - pad_h + r, q*stride_w - pad_w + s]
//   (x outside the image reads as 0: zero padding)
//
// Backward, given dy = dL/dy (each follows from differentiating the sum above term by term):
//   dbias[k]       = sum_{n,p,q} dy[n,k,p,q]
//   dweight[k,c,r,s] = sum_{n,p,q} dy[n,k,p,q] * x[n, c, p*stride_h - pad_h + r, q*stride_w - pad_w + s]
//   dx[n,c,h,w]    = sum over every (k,p,q,r,s) whose window put x[n,c,h,w] at kernel tap (r,s)
//                    of dy[n,k,p,q] * weight[k,c,r,s]       ("scatter the gradient back through the window")
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   conv2d_forward / _backward                      pick one                              conv2d.cpp
//   conv2d_forward_reference / _backward_reference  plain loops, the truth                conv2d.cpp
//   conv2d_forward_fast / _backward_fast            im2col + OpenBLAS SGEMM               conv2d_fast.cpp
//   cuda::conv2d_forward / _backward                cuDNN (bias: framework/cuda/bias.cu)  conv2d.cu
#pragma once
#include <functional>
#include <random>
#include <vector>

#include "framework/backend.h"
#include "framework/module.h"

namespace melgrad {

struct Conv2dGeometry {
    int N, C, H, W;   // input
    int K, R, S;      // output channels, kernel height, kernel width
    int stride_h, stride_w, pad_h, pad_w;
    int P, Q;         // output height, width
};
// The numbers a convolution is made with, named (PyTorch's arguments, rows then columns).
struct Conv2dWindow {
    int out_channels = 1;
    int kernel_h = 1, kernel_w = 1;
    int stride_h = 1, stride_w = 1;
    int pad_h = 0, pad_w = 0;
};
Conv2dGeometry conv2d_geometry(const Shape& input, const Conv2dWindow& window);

void conv2d_forward(Engine engine, const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g);
void conv2d_backward(Engine engine, const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                     const Conv2dGeometry& g, bool accumulate_dx);

// The same contract in every version: dw and db are added to (+=); dx is added to, or written when
// accumulate_dx=false (it is then fresh, uninitialised memory: Tensor::grad_to_write). dx and db may be null
// (not needed). The reference path is the formulas above as plain loops.
void conv2d_forward_reference(const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g);
void conv2d_backward_reference(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                               const Conv2dGeometry& g, bool accumulate_dx);
// The fast path (framework/layers/conv2d_fast.cpp): im2col + SGEMM, same contract. It works in bands of output
// rows [p0, p1) of one image n; a layer fused after the convolution (conv_bn_relu_maxpool.h) can work on each band
// while it is in cache:
//   after_band(n, p0, p1, y_band, ldy)   forward: called once the band of y is written (K rows, ldy floats apart:
//                                        P*Q in y; with y null, y is not kept and the band is in a scratch buffer,
//                                        (p1 - p0)*Q apart, valid until the hook returns)
//   dy_band(n, p0, p1, dy_band)          backward: writes the band of dy (K rows, (p1 - p0)*Q floats apart) instead
//                                        of reading it from `dy` (then null)
// Each is called from the thread that computes the band, once per band, in any order across bands.
using ConvBandHook = std::function<void(int n, int p0, int p1, const float* y_band, int ldy)>;
using ConvDyBand = std::function<void(int n, int p0, int p1, float* dy_band)>;
void conv2d_forward_fast(const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g,
                         const ConvBandHook& after_band = nullptr);
void conv2d_backward_fast(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                          const Conv2dGeometry& g, bool accumulate_dx, const ConvDyBand& dy_band = nullptr);
// The pieces of conv2d_forward_fast, for a caller that computes a band of y again instead of keeping y:
// the weights as the band GEMMs take them (conv2d_band_weights: [W | b] as one K x J matrix, J = C*R*S, + 1 with
// a bias, and packed for framework/cpu/panel_gemm.h where that runs), and one band of one image, y_band (K rows,
// ldy apart) = [W | b] · [col; 1], with col the caller's scratch of J x (p1 - p0)*Q floats. The same operations
// as conv2d_forward_fast, so the same bits.
struct ConvBandWeights {
    std::vector<float> w_ext;   // [W | b], K x J, row-major
    std::vector<float> panels;  // w_ext packed for panel_gemm, or empty where OpenBLAS does the products
    int J = 0;
    bool bias = false;
};
ConvBandWeights conv2d_band_weights(const float* w, const float* b, const Conv2dGeometry& g);
void conv2d_forward_band(const float* x_image, const ConvBandWeights& weights, float* y_band, int ldy,
                         const Conv2dGeometry& g, int p0, int p1, float* col);
// Output rows per im2col band on the fast path (as many as fit in 512 output pixels, at least one).
int conv2d_fast_band_rows(const Conv2dGeometry& g);
namespace cuda {  // the GPU versions: the same signature, device pointers
void conv2d_forward(const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g);
void conv2d_backward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                     const Conv2dGeometry& g, bool accumulate_dx);
}  // namespace cuda

class Rng;

class Conv2d : public Module {
public:
    Conv2d(int in_channels, int out_channels, int kernel_size, int stride = 1, int padding = 0, bool bias = true);
    std::string type() const override { return "Conv2d"; }
    std::string describe() const override;
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override;
    void collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) override;
    // PyTorch's default: kaiming_uniform(a=sqrt(5)) for the weight, which works out to
    // U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias; fan_in = C*R*S.
    void reset_parameters(Rng& rng);
    Conv2dWindow window() const;  // square kernel, the same stride and padding on both axes

    int in_channels, out_channels, kernel_size, stride, padding;
    Tensor weight, bias;  // bias is undefined when bias=false
};

}  // namespace melgrad
