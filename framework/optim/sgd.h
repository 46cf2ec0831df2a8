// SGD with momentum, dampening, Nesterov momentum and L2 weight decay: torch.optim.SGD's exact rule.
//
// For each parameter p with gradient g, at its update number t = 1, 2, ... (PyTorch 1.13, _single_tensor_sgd):
//   d = g + weight_decay * p                        (only when weight_decay != 0)
//   if momentum != 0:
//       buf = d                                     (t == 1: the buffer starts as a copy of d)
//       buf = momentum * buf + (1 - dampening) * d  (t > 1)
//       d   = d + momentum * buf                    (nesterov)
//       d   = buf                                   (otherwise)
//   p = p - lr * d
// The state tensor is "momentum_buffer.<param name>" (only when momentum != 0).
#pragma once
#include "framework/backend.h"
#include "framework/optim/optimizer.h"

namespace melgrad {

// The scalars of one SGD update, already converted to float as PyTorch does when it passes a Python
// number to a float32 kernel (alpha = 1 - dampening and -lr are computed in double first).
struct SgdScalars {
    float neg_lr;          // -lr
    float momentum;
    float one_minus_dampening;
    float weight_decay;
    bool nesterov;
    bool first_step;       // t == 1: the momentum buffer is set to d instead of updated
};

// The rule above on raw float arrays of length n. momentum_buffer may be nullptr when s.momentum == 0.
//   sgd_update         picks one (engine_for and Engine: framework/backend.h)   sgd.cpp
//   sgd_update_cpu     the CPU loop                                             sgd.cpp
//   cuda::sgd_update   the GPU launch (kernel: sgd_kernels.cuh)                 sgd.cu
void sgd_update(Engine engine, float* param, const float* grad, float* momentum_buffer, size_t n, const SgdScalars& s);
void sgd_update_cpu(float* param, const float* grad, float* momentum_buffer, size_t n, const SgdScalars& s);
namespace cuda {
void sgd_update(float* param, const float* grad, float* momentum_buffer, size_t n, const SgdScalars& s);
}  // namespace cuda

class SGD : public Optimizer {
public:
    // Argument order and defaults as torch.optim.SGD (lr has no default there either).
    SGD(std::vector<NamedTensor> params, double lr, double momentum = 0, double dampening = 0,
        double weight_decay = 0, bool nesterov = false);
    std::string type() const override { return "SGD"; }
    std::string describe() const override;

    double momentum() const { return momentum_; }
    double dampening() const { return dampening_; }
    double weight_decay() const { return weight_decay_; }
    bool nesterov() const { return nesterov_; }

protected:
    void update_parameter(size_t i) override;

private:
    double momentum_, dampening_, weight_decay_;
    bool nesterov_;
};

}  // namespace melgrad
