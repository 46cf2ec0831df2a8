#include "framework/optim/sgd.h"

#include <cmath>


namespace melgrad {

// Each line is one PyTorch tensor op, rounded to float32 in the same order (the comment names the op).
void sgd_update_cpu(float* param, const float* grad, float* momentum_buffer, size_t n, const SgdScalars& s) {
    // Every element is independent, so threads change nothing in the result; small tensors stay serial.
    #pragma omp parallel for schedule(static) if (n >= 65536)
    for (size_t i = 0; i < n; ++i) {
        float d = grad[i];
        if (s.weight_decay != 0.0f) d = d + s.weight_decay * param[i];          // d_p.add(param, alpha=wd)
        if (s.momentum != 0.0f) {
            float buf;
            if (s.first_step) {
                buf = d;                                                          // torch.clone(d_p)
            } else {
                buf = momentum_buffer[i] * s.momentum;                            // buf.mul_(momentum)
                buf = buf + s.one_minus_dampening * d;                            //    .add_(d_p, alpha=1-dampening)
            }
            momentum_buffer[i] = buf;
            d = s.nesterov ? d + s.momentum * buf : buf;                          // d_p.add(buf, alpha=momentum)
        }
        param[i] = param[i] + s.neg_lr * d;                                       // param.add_(d_p, alpha=-lr)
    }
}

void sgd_update(Engine engine, float* param, const float* grad, float* momentum_buffer, size_t n, const SgdScalars& s) {
    if (engine == Engine::Cuda) cuda::sgd_update(param, grad, momentum_buffer, n, s);
    else sgd_update_cpu(param, grad, momentum_buffer, n, s);
}

SGD::SGD(std::vector<NamedTensor> params, double lr, double momentum, double dampening, double weight_decay,
         bool nesterov)
    : Optimizer(std::move(params), lr), momentum_(momentum), dampening_(dampening), weight_decay_(weight_decay),
      nesterov_(nesterov) {
    check_hyperparameter(std::isfinite(momentum) && momentum >= 0, "SGD", "momentum must be >= 0");
    check_hyperparameter(std::isfinite(weight_decay) && weight_decay >= 0, "SGD", "weight_decay must be >= 0");
    check_hyperparameter(std::isfinite(dampening), "SGD", "dampening must be a finite number");
    check_hyperparameter(!nesterov || (momentum > 0 && dampening == 0), "SGD",
                         "Nesterov momentum requires a momentum and zero dampening");
    if (momentum_ != 0) add_state("momentum_buffer");
}

std::string SGD::describe() const {
    return "SGD(lr=" + exact_double_str(lr_) + ", momentum=" + exact_double_str(momentum_) +
           ", dampening=" + exact_double_str(dampening_) + ", weight_decay=" + exact_double_str(weight_decay_) +
           ", nesterov=" + (nesterov_ ? "True" : "False") + ")";
}

void SGD::update_parameter(size_t i) {
    Tensor& p = *params_[i].tensor;
    SgdScalars s;
    s.neg_lr = (float)(-lr_);
    s.momentum = (float)momentum_;
    s.one_minus_dampening = (float)(1.0 - dampening_);
    s.weight_decay = (float)weight_decay_;
    s.nesterov = nesterov_;
    s.first_step = param_steps_[i] == 1;
    float* buf = momentum_ != 0 ? state_of("momentum_buffer", i).data() : nullptr;
    sgd_update(engine_for(p), p.data(), p.grad().data(), buf, p.numel(), s);
}

}  // namespace melgrad
