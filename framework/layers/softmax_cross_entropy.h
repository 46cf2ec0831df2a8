// Softmax cross-entropy, averaged over the batch (PyTorch's nn.CrossEntropyLoss with reduction='mean').
//   logits z: (N, C), labels y_n in [0, C)
//   p[n,c]  = exp(z[n,c] - m_n) / sum_j exp(z[n,j] - m_n),   m_n = max_j z[n,j]   (log-sum-exp trick:
//             subtracting the row maximum changes nothing mathematically and keeps exp() from overflowing)
//   L       = (1/N) sum_n ( log sum_j exp(z[n,j]) - z[n,y_n] )
// Backward (the classic result: the softmax's Jacobian and the log cancel into a difference):
//   dL/dz[n,c] = (p[n,c] - [c == y_n]) / N
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   softmax_cross_entropy_forward / _backward              pick one          softmax_cross_entropy.cpp
//   softmax_cross_entropy_forward_cpu / _backward_cpu      the CPU loops     softmax_cross_entropy.cpp
//   cuda::softmax_cross_entropy_forward / _backward        the GPU launches  softmax_cross_entropy.cu
//                                                          (kernels: softmax_cross_entropy_kernels.cuh)
#pragma once
#include <vector>

#include "framework/backend.h"
#include "framework/index_buffer.h"
#include "framework/tensor.h"

namespace melgrad {

void softmax_cross_entropy_forward(Engine engine, const float* logits, const int* labels, float* probs, float* loss,
                                   int N, int C);
// dloss points to the loss's gradient, on the logits' device (the CPU reads it, the GPU kernel reads it there:
// no device-to-host copy, so a training step can be captured in a CUDA graph).
void softmax_cross_entropy_backward(Engine engine, const float* probs, const int* labels, const float* dloss,
                                    float* dlogits, int N, int C);

// Returns the mean loss over the batch in *loss and the probabilities in probs (N x C).
void softmax_cross_entropy_forward_cpu(const float* logits, const int* labels, float* probs, float* loss, int N, int C);
// dlogits += dloss * (probs - onehot) / N
void softmax_cross_entropy_backward_cpu(const float* probs, const int* labels, float dloss, float* dlogits, int N,
                                        int C);
namespace cuda {  // the GPU versions: device pointers; *loss is written and *dloss read on the device
void softmax_cross_entropy_forward(const float* logits, const int* labels, float* probs, float* loss, int N, int C);
void softmax_cross_entropy_backward(const float* probs, const int* labels, const float* dloss, float* dlogits, int N,
                                    int C);
}  // namespace cuda

// The loss as a tape op: returns a one-element tensor; probabilities (N x C) in *probs when given.
// Throws std::invalid_argument for a label outside [0, C) or a label count that differs from N.
Tensor softmax_cross_entropy(const Tensor& logits, const std::vector<int>& labels, Tensor* probs = nullptr);
// The same with the labels already on the logits' device (N int32 values): what a CUDA-graph training step
// uses, so that no host-to-device copy happens inside the captured step. Labels are range-checked on the
// CPU; on the GPU a label outside [0, C) makes the loss NaN (a kernel cannot throw).
Tensor softmax_cross_entropy(const Tensor& logits, const IndexBuffer& labels, Tensor* probs = nullptr);

}  // namespace melgrad
