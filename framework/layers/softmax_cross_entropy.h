// Softmax cross-entropy, averaged over the batch (PyTorch's nn.CrossEntropyLoss with reduction='mean').
//   logits z: (N, C), labels y_n in [0, C)
//   p[n,c]  = exp(z[n,c] - m_n) / sum_j exp(z[n,j] - m_n),   m_n = max_j z[n,j]   (log-sum-exp trick:
//             subtracting the row maximum changes nothing mathematically and keeps exp() from overflowing)
//   L       = (1/N) sum_n ( log sum_j exp(z[n,j]) - z[n,y_n] )
// Backward (the classic result: the softmax's Jacobian and the log cancel into a difference):
//   dL/dz[n,c] = (p[n,c] - [c == y_n]) / N
#pragma once
#include <vector>

#include "framework/index_buffer.h"
#include "framework/tensor.h"

namespace melgrad {

// Returns the mean loss over the batch in *loss and the probabilities in probs (N x C).
void softmax_cross_entropy_forward_cpu(const float* logits, const int* labels, float* probs, float* loss, int N, int C);
// dlogits += dloss * (probs - onehot) / N
void softmax_cross_entropy_backward_cpu(const float* probs, const int* labels, float dloss, float* dlogits, int N,
                                        int C);

// The loss as a tape op: returns a one-element tensor; probabilities (N x C) in *probs when given.
// Throws std::invalid_argument for a label outside [0, C) or a label count that differs from N.
Tensor softmax_cross_entropy(const Tensor& logits, const std::vector<int>& labels, Tensor* probs = nullptr);
// The same with the labels already on the logits' device (N int32 values): what a CUDA-graph training step
// uses, so that no host-to-device copy happens inside the captured step. Labels are range-checked on the
// CPU; on the GPU a label outside [0, C) makes the loss NaN (a kernel cannot throw).
Tensor softmax_cross_entropy(const Tensor& logits, const IndexBuffer& labels, Tensor* probs = nullptr);

}  // namespace melgrad
