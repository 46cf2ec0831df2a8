#include "framework/optim/adam.h"

#include <cmath>


namespace melgrad {

// Each line is one PyTorch tensor op, rounded to float32 in the same order (the comment names the op).
void adam_update_cpu(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n,
                     const AdamScalars& s) {
    // Every element is independent, so threads change nothing in the result; small tensors stay serial.
    #pragma omp parallel for schedule(static) if (n >= 65536)
    for (size_t i = 0; i < n; ++i) {
        float p = param[i];
        float g = grad[i];
        if (s.decoupled) p = p * s.decoupled_decay_factor;                        // param.mul_(1 - lr*wd)
        if (s.l2_weight_decay != 0.0f) g = g + s.l2_weight_decay * p;             // grad.add(param, alpha=wd)
        float m = exp_avg[i] * s.beta1;                                           // exp_avg.mul_(beta1)
        m = m + s.one_minus_beta1 * g;                                            //   .add_(grad, alpha=1-beta1)
        float v = exp_avg_sq[i] * s.beta2;                                        // exp_avg_sq.mul_(beta2)
        v = v + s.one_minus_beta2 * g * g;                                        //   .addcmul_(g, g, value=1-beta2)
        float denom = std::sqrt(v) / s.bias_correction2_sqrt + s.eps;             // (v.sqrt() / bc2_sqrt).add_(eps)
        param[i] = p + s.neg_step_size * m / denom;                               // addcdiv_(m, denom, value=-step_size)
        exp_avg[i] = m;
        exp_avg_sq[i] = v;
    }
}

void adam_update(Engine engine, float* param, const float* grad, float* exp_avg, float* exp_avg_sq, size_t n,
                 const AdamScalars& s) {
    if (engine == Engine::Cuda) cuda::adam_update(param, grad, exp_avg, exp_avg_sq, n, s);
    else adam_update_cpu(param, grad, exp_avg, exp_avg_sq, n, s);
}

Adam::Adam(std::vector<NamedTensor> params, double lr, double beta1, double beta2, double eps, double weight_decay)
    : Adam(std::move(params), lr, beta1, beta2, eps, weight_decay, false) {}

Adam::Adam(std::vector<NamedTensor> params, double lr, double beta1, double beta2, double eps, double weight_decay,
           bool decoupled)
    : Optimizer(std::move(params), lr), beta1_(beta1), beta2_(beta2), eps_(eps), weight_decay_(weight_decay),
      decoupled_(decoupled) {
    const std::string who = decoupled ? "AdamW" : "Adam";
    check_hyperparameter(beta1 >= 0 && beta1 < 1, who, "beta1 must be in [0, 1), got " + exact_double_str(beta1));
    check_hyperparameter(beta2 >= 0 && beta2 < 1, who, "beta2 must be in [0, 1), got " + exact_double_str(beta2));
    check_hyperparameter(eps >= 0, who, "eps must be >= 0, got " + exact_double_str(eps));
    check_hyperparameter(weight_decay >= 0, who, "weight_decay must be >= 0, got " + exact_double_str(weight_decay));
    add_state("exp_avg");
    add_state("exp_avg_sq");
}

AdamW::AdamW(std::vector<NamedTensor> params, double lr, double beta1, double beta2, double eps, double weight_decay)
    : Adam(std::move(params), lr, beta1, beta2, eps, weight_decay, true) {}

std::string Adam::describe() const {
    return type() + "(lr=" + exact_double_str(lr_) + ", betas=(" + exact_double_str(beta1_) + ", " +
           exact_double_str(beta2_) + "), eps=" + exact_double_str(eps_) +
           ", weight_decay=" + exact_double_str(weight_decay_) + ")";
}

void Adam::update_parameter(size_t i) {
    Tensor& p = *params_[i].tensor;
    const double t = (double)param_steps_[i];
    // Host-side scalars in double, exactly as PyTorch computes them in Python.
    const double bias_correction1 = 1.0 - std::pow(beta1_, t);
    const double bias_correction2 = 1.0 - std::pow(beta2_, t);
    AdamScalars s;
    s.beta1 = (float)beta1_;
    s.one_minus_beta1 = (float)(1.0 - beta1_);
    s.beta2 = (float)beta2_;
    s.one_minus_beta2 = (float)(1.0 - beta2_);
    s.eps = (float)eps_;
    s.decoupled = decoupled_;
    s.l2_weight_decay = decoupled_ ? 0.0f : (float)weight_decay_;
    s.decoupled_decay_factor = decoupled_ ? (float)(1.0 - lr_ * weight_decay_) : 1.0f;
    s.neg_step_size = (float)(-(lr_ / bias_correction1));
    s.bias_correction2_sqrt = (float)std::sqrt(bias_correction2);
    adam_update(engine_for(p), p.data(), p.grad().data(), state_of("exp_avg", i).data(),
                state_of("exp_avg_sq", i).data(), p.numel(), s);
}

}  // namespace melgrad
