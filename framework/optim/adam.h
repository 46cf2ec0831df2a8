// Adam and AdamW: torch.optim.Adam / torch.optim.AdamW's exact rules (PyTorch 1.13, _single_tensor_adam[w]).
//
// For each parameter p with gradient g, at its update number t = 1, 2, ... (m = exp_avg, v = exp_avg_sq,
// both start at 0):
//   AdamW:  p = p * (1 - lr * weight_decay)         decoupled weight decay, before everything else
//   Adam:   g = g + weight_decay * p                L2 penalty folded into the gradient (when wd != 0)
//   m = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g * g
//   bias_correction1 = 1 - beta1^t,  bias_correction2 = 1 - beta2^t      (in double, on the host)
//   step_size = lr / bias_correction1
//   denom     = sqrt(v) / sqrt(bias_correction2) + eps
//   p = p - step_size * m / denom
// State tensors: "exp_avg.<param name>", "exp_avg_sq.<param name>"; t is in the optimizer's metadata.
// amsgrad is not implemented.
#pragma once
#include "framework/backend.h"
#include "framework/optim/optimizer.h"

namespace melgrad {

// The scalars of one Adam(W) update, computed on the host in double then converted to float, as PyTorch
// passes Python numbers to its float32 kernels.
struct AdamScalars {
    float beta1, one_minus_beta1;
    float beta2, one_minus_beta2;
    float eps;
    float l2_weight_decay;         // Adam's weight_decay (0 for AdamW)
    float decoupled_decay_factor;  // AdamW's 1 - lr * weight_decay (1 for Adam: a no-op)
    bool decoupled;                // AdamW: apply decoupled_decay_factor
    float neg_step_size;           // -lr / bias_correction1
    float bias_correction2_sqrt;   // sqrt(1 - beta2^t)
};

// The rule above on raw float arrays of length n.
//   adam_update         picks one (engine_for and Engine: framework/backend.h)   adam.cpp
//   adam_update_cpu     the CPU loop                                             adam.cpp
//   cuda::adam_update   the GPU launch (kernel: adam_kernels.cuh)                adam.cu
void adam_update(Engine engine, float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n,
                 const AdamScalars& s);
void adam_update_cpu(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n,
                     const AdamScalars& s);
namespace cuda {
void adam_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n, const AdamScalars& s);
}  // namespace cuda

class Adam : public Optimizer {
public:
    // Defaults as torch.optim.Adam.
    Adam(std::vector<NamedTensor> params, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
         double eps = 1e-8, double weight_decay = 0);
    std::string type() const override { return decoupled_ ? "AdamW" : "Adam"; }
    std::string describe() const override;

    double beta1() const { return beta1_; }
    double beta2() const { return beta2_; }
    double eps() const { return eps_; }
    double weight_decay() const { return weight_decay_; }

protected:
    Adam(std::vector<NamedTensor> params, double lr, double beta1, double beta2, double eps, double weight_decay,
         bool decoupled);
    void update_parameter(size_t i) override;

private:
    double beta1_, beta2_, eps_, weight_decay_;
    bool decoupled_;
};

// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter). Defaults as torch.optim.AdamW (wd 1e-2).
class AdamW : public Adam {
public:
    AdamW(std::vector<NamedTensor> params, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
          double eps = 1e-8, double weight_decay = 1e-2);
};

}  // namespace melgrad
