// The CUDA backend's ops, with the SAME signatures as the CPU functions next to each layer, taking device
// pointers. framework/layers/dispatch.h calls ::melgrad::cuda::NAME(...) for CUDA tensors. Plain C++ (no
// CUDA headers), so the layers compiled by g++ can include it. The implementations:
//   conv2d_*            framework/cuda/cudnn_conv.cu      (cuDNN; bias add/grad are our kernels)
//   linear_*            framework/cuda/cublas_linear.cu   (cuBLAS)
//   batchnorm2d_*       framework/cuda/kernels_batchnorm.cu
//   relu_*, dropout_*, add_into   framework/cuda/kernels_elementwise.cu
//   maxpool2d_*, avgpool2d_*      framework/cuda/kernels_pool.cu
//   softmax_cross_entropy_*       framework/cuda/kernels_softmax_ce.cu
//   sgd_update, adam_update       framework/cuda/kernels_optim.cu   (fused: one kernel per parameter)
//   gru_*, to_sequence_*          framework/cuda/gru.cu             (cuBLAS projections + our gate kernels)
// Like the CPU functions, backward passes ACCUMULATE (+=) into the gradients; a null dx / db is skipped.
// Where a function takes `accumulate`, false means dx is fresh, uninitialised memory to write (=), not add to
// (Tensor::grad_to_write).
#pragma once
#include <cstddef>
#include <cstdint>

#include "framework/layers/conv2d.h"
#include "framework/layers/pool2d.h"
#include "framework/optim/adam.h"
#include "framework/optim/sgd.h"

namespace melgrad::cuda {

void conv2d_forward(const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g);
void conv2d_backward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                     const Conv2dGeometry& g, bool accumulate_dx);

void linear_forward(const float* x, const float* w, const float* b, float* y, int N, int in, int out);
void linear_backward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, int N, int in,
                     int out);

void batchnorm2d_forward_train(const float* x, const float* gamma, const float* beta, float* y, float* save_mean,
                               float* save_invstd, float* running_mean, float* running_var, int N, int C, int HW,
                               float eps, float momentum);
void batchnorm2d_forward_eval(const float* x, const float* gamma, const float* beta, const float* running_mean,
                              const float* running_var, float* y, float* save_mean, float* save_invstd, int N, int C,
                              int HW, float eps);
void batchnorm2d_backward(const float* x, const float* gamma, const float* save_mean, const float* save_invstd,
                          const float* dy, float* dx, float* dgamma, float* dbeta, int N, int C, int HW,
                          bool training, bool accumulate);

void relu_forward(const float* x, float* y, size_t n);
void relu_backward(const float* y, const float* dy, float* dx, size_t n, bool accumulate);
void add_into(float* dst, const float* src, size_t n);
void dropout_forward(const float* x, float* y, float* mask, size_t n, float p, uint64_t stream);
void dropout_backward(const float* dy, const float* mask, float* dx, size_t n);

// argmax: an int32 device buffer (framework/index_buffer.h), one entry per output.
void maxpool2d_forward(const float* x, float* y, int32_t* argmax, const Pool2dGeometry& g);
void maxpool2d_backward(const float* dy, const int32_t* argmax, float* dx, const Pool2dGeometry& g, bool accumulate);
void avgpool2d_forward(const float* x, float* y, const Pool2dGeometry& g);
void avgpool2d_backward(const float* dy, float* dx, const Pool2dGeometry& g);

// labels: an int32 device buffer. *loss is written on the device (loss is a device pointer).
void softmax_cross_entropy_forward(const float* logits, const int* labels, float* probs, float* loss, int N, int C);
void softmax_cross_entropy_backward(const float* probs, const int* labels, float dloss, float* dlogits, int N, int C);
// The same with dloss read on the device (a pointer to the loss's gradient): no device-to-host copy, so a
// training step can be captured in a CUDA graph. The layer uses this one.
void softmax_cross_entropy_backward_device_scale(const float* probs, const int* labels, const float* dloss,
                                                 float* dlogits, int N, int C);

// gi, hs, gates: device scratch and saved state, laid out as gru_forward_cpu's (framework/layers/gru.h).
void gru_forward(const float* x, const float* w_ih, const float* w_hh, const float* b_ih, const float* b_hh,
                 float* gi, float* hs, float* gates, int N, int T, int I, int H);
void gru_output(const float* hs, float* y, bool sequence, int N, int T, int H);
void gru_backward(const float* x, const float* w_ih, const float* w_hh, const float* hs, const float* gates,
                  const float* dy, bool sequence, float* dx, float* dw_ih, float* dw_hh, float* db_ih, float* db_hh,
                  int N, int T, int I, int H);
void to_sequence_forward(const float* x, float* y, int N, int C, int H, int W);
void to_sequence_backward(const float* dy, float* dx, int N, int C, int H, int W);

void sgd_update(float* param, const float* grad, float* momentum_buffer, size_t n, const SgdScalars& s);
void adam_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n, const AdamScalars& s);

}  // namespace melgrad::cuda
