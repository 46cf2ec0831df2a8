// BatchNorm2d (Ioffe & Szegedy 2015), PyTorch semantics. x: (N, C, H, W); statistics per channel c over
// the m = N*H*W values of that channel.
//
// Training:   mu = mean(x),  var = mean((x - mu)^2)  (biased),  invstd = 1 / sqrt(var + eps)
//             xhat = (x - mu) * invstd,   y = gamma * xhat + beta
//             running_mean = (1 - momentum) * running_mean + momentum * mu
//             running_var  = (1 - momentum) * running_var  + momentum * var * m / (m - 1)   (unbiased!)
// Evaluation: xhat = (x - running_mean) / sqrt(running_var + eps)
//
// Backward (training), with dy = dL/dy, sums over the m values of a channel:
//   dbeta  = sum dy
//   dgamma = sum dy * xhat
//   dx     = gamma * invstd / m * (m * dy - sum(dy) - xhat * sum(dy * xhat))
// The last line comes from mu and var depending on every x of the channel: differentiate
// xhat_i = (x_i - mu) * invstd through mu (d mu/d x_i = 1/m) and invstd (d var / d x_i = 2 (x_i - mu)/m).
// In evaluation mode mu and invstd are constants, so dx = gamma * invstd * dy.
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   batchnorm2d_forward_train, _forward_eval, _backward  pick one          batchnorm2d.cpp
//   batchnorm2d_forward_train_cpu, ...                   the CPU loops     batchnorm2d.cpp
//   cuda::batchnorm2d_forward_train, ...                 the GPU launches  batchnorm2d.cu
//                                                                          (kernels: batchnorm2d_kernels.cuh)
//   batchnorm2d_forward_train_synced_cpu, _backward_synced_cpu                 batchnorm2d_sync.cpp
//     --sync-bn in data-parallel training: the sums taken over every rank's batch (CPU only)
#pragma once
#include "framework/backend.h"
#include "framework/module.h"

namespace melgrad {

void batchnorm2d_forward_train(Engine engine, const float* x, const float* gamma, const float* beta, float* y,
                               float* save_mean, float* save_invstd, float* running_mean, float* running_var, int N,
                               int C, int HW, float eps, float momentum);
void batchnorm2d_forward_eval(Engine engine, const float* x, const float* gamma, const float* beta,
                              const float* running_mean, const float* running_var, float* y, float* save_mean,
                              float* save_invstd, int N, int C, int HW, float eps);
void batchnorm2d_backward(Engine engine, const float* x, const float* gamma, const float* save_mean,
                          const float* save_invstd, const float* dy, float* dx, float* dgamma, float* dbeta, int N,
                          int C, int HW, bool training, bool accumulate);

void batchnorm2d_forward_train_cpu(const float* x, const float* gamma, const float* beta, float* y, float* save_mean,
                                   float* save_invstd, float* running_mean, float* running_var, int N, int C, int HW,
                                   float eps, float momentum);
void batchnorm2d_forward_eval_cpu(const float* x, const float* gamma, const float* beta, const float* running_mean,
                                  const float* running_var, float* y, float* save_mean, float* save_invstd, int N,
                                  int C, int HW, float eps);
// One channel's affine map y = x * scale + shift: in training from channel c's statistics (saved in save_mean and
// save_invstd and folded into the running averages), in evaluation from the running averages. The loops above
// and the fast path's fused BatchNorm + ReLU + max-pool (framework/layers/bn_relu_maxpool.h) share them.
struct BatchNormChannelMap {
    float scale, shift;
};
BatchNormChannelMap batchnorm2d_train_channel_cpu(const float* x, const float* gamma, const float* beta,
                                                  float* save_mean, float* save_invstd, float* running_mean,
                                                  float* running_var, int N, int C, int HW, int c, float eps,
                                                  float momentum);
// The second half of batchnorm2d_train_channel_cpu: channel c's map from its mean and (biased) variance over m values,
// for a caller that has the statistics already (the fused convolution block, conv_bn_relu_maxpool.h).
BatchNormChannelMap batchnorm2d_train_channel_map(double mean, double var, double m, const float* gamma,
                                                  const float* beta, float* save_mean, float* save_invstd,
                                                  float* running_mean, float* running_var, int c, float eps,
                                                  float momentum);
BatchNormChannelMap batchnorm2d_eval_channel_cpu(const float* gamma, const float* beta, const float* running_mean,
                                                 const float* running_var, float* save_mean, float* save_invstd, int c,
                                                 float eps);
// training=false gives the evaluation-mode gradient. dx may be null; accumulate=false writes dx (=) instead
// of adding to it (a fresh gradient, see Tensor::grad_to_write).
void batchnorm2d_backward_cpu(const float* x, const float* gamma, const float* save_mean, const float* save_invstd,
                              const float* dy, float* dx, float* dgamma, float* dbeta, int N, int C, int HW,
                              bool training, bool accumulate);
// --sync-bn: the same, with the per-channel sums all-reduced over `comm` (batchnorm2d_sync.cpp). dgamma and
// dbeta get this rank's part only (the gradient all-reduce adds the ranks' parts).
void batchnorm2d_forward_train_synced_cpu(distributed::Communicator& comm, const float* x, const float* gamma,
                                          const float* beta, float* y, float* save_mean, float* save_invstd,
                                          float* running_mean, float* running_var, int N, int C, int HW, float eps,
                                          float momentum);
void batchnorm2d_backward_synced_cpu(distributed::Communicator& comm, const float* x, const float* gamma,
                                     const float* save_mean, const float* save_invstd, const float* dy, float* dx,
                                     float* dgamma, float* dbeta, int N, int C, int HW, bool accumulate);
namespace cuda {  // the GPU versions: the same signature, device pointers
void batchnorm2d_forward_train(const float* x, const float* gamma, const float* beta, float* y, float* save_mean,
                               float* save_invstd, float* running_mean, float* running_var, int N, int C, int HW,
                               float eps, float momentum);
void batchnorm2d_forward_eval(const float* x, const float* gamma, const float* beta, const float* running_mean,
                              const float* running_var, float* y, float* save_mean, float* save_invstd, int N, int C,
                              int HW, float eps);
void batchnorm2d_backward(const float* x, const float* gamma, const float* save_mean, const float* save_invstd,
                          const float* dy, float* dx, float* dgamma, float* dbeta, int N, int C, int HW, bool training,
                          bool accumulate);
}  // namespace cuda

class BatchNorm2d : public Module {
public:
    explicit BatchNorm2d(int num_features, float eps = 1e-5f, float momentum = 0.1f);
    std::string type() const override { return "BatchNorm2d"; }
    std::string describe() const override;
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override;
    void collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) override;
    void collect_buffers(const std::string& prefix, std::vector<NamedTensor>& out) override;
    void set_statistics_sync(distributed::Communicator* comm) override { sync_ = comm; }
    bool statistics_synced() const { return sync_ != nullptr; }  // --sync-bn: the fused fast path must not run

    int num_features;
    float eps, momentum;
    Tensor weight, bias;                 // gamma = 1, beta = 0 at start (PyTorch)
    Tensor running_mean, running_var;    // 0 and 1 at start

private:
    distributed::Communicator* sync_ = nullptr;  // --sync-bn: the ranks whose batches share the statistics
};

}  // namespace melgrad
