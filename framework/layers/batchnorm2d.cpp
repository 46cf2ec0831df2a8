#include "framework/layers/batchnorm2d.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "framework/tape.h"

namespace melgrad {

// Channels are independent, so they run in parallel; each channel's sums run in a fixed order in double,
// so the result does not depend on the thread count. Small tensors stay on one thread: starting a parallel
// region costs more than the work (and much more when another program holds the second core). `omp simd reduction` lets the compiler vectorise the
// sums (several partial sums, added at the end in an order fixed by the build); without it, -O2 keeps
// them scalar, one add after another.
BatchNormChannelMap batchnorm2d_train_channel_cpu(const float* x, const float* gamma, const float* beta,
                                                  float* save_mean, float* save_invstd, float* running_mean,
                                                  float* running_var, int N, int C, int HW, int c, float eps,
                                                  float momentum) {
    const double m = (double)N * HW;
    double sum = 0;
    for (int n = 0; n < N; n++) {
        const float* xc = x + ((size_t)n * C + c) * HW;
#pragma omp simd reduction(+ : sum)
        for (int i = 0; i < HW; i++) sum += xc[i];
    }
    double mean = sum / m, sq = 0;
    for (int n = 0; n < N; n++) {
        const float* xc = x + ((size_t)n * C + c) * HW;
#pragma omp simd reduction(+ : sq)
        for (int i = 0; i < HW; i++) { double d = xc[i] - mean; sq += d * d; }
    }
    return batchnorm2d_train_channel_map(mean, sq / m, m, gamma, beta, save_mean, save_invstd, running_mean,
                                         running_var, c, eps, momentum);
}

BatchNormChannelMap batchnorm2d_train_channel_map(double mean, double var, double m, const float* gamma,
                                                  const float* beta, float* save_mean, float* save_invstd,
                                                  float* running_mean, float* running_var, int c, float eps,
                                                  float momentum) {
    float invstd = (float)(1.0 / std::sqrt(var + eps));
    save_mean[c] = (float)mean;
    save_invstd[c] = invstd;
    running_mean[c] = (1 - momentum) * running_mean[c] + momentum * (float)mean;
    running_var[c] = (1 - momentum) * running_var[c] + momentum * (float)(m > 1 ? var * m / (m - 1) : var);
    float scale = gamma[c] * invstd;
    return {scale, beta[c] - (float)mean * scale};
}

BatchNormChannelMap batchnorm2d_eval_channel_cpu(const float* gamma, const float* beta, const float* running_mean,
                                                 const float* running_var, float* save_mean, float* save_invstd, int c,
                                                 float eps) {
    float invstd = 1.0f / std::sqrt(running_var[c] + eps);
    save_mean[c] = running_mean[c];
    save_invstd[c] = invstd;
    float scale = gamma[c] * invstd;
    return {scale, beta[c] - running_mean[c] * scale};
}

void batchnorm2d_forward_train_cpu(const float* x, const float* gamma, const float* beta, float* y, float* save_mean,
                                   float* save_invstd, float* running_mean, float* running_var, int N, int C, int HW,
                                   float eps, float momentum) {
#pragma omp parallel for schedule(static) if ((size_t)N * C * HW > 65536)
    for (int c = 0; c < C; c++) {
        const auto [scale, shift] = batchnorm2d_train_channel_cpu(x, gamma, beta, save_mean, save_invstd, running_mean,
                                                                  running_var, N, C, HW, c, eps, momentum);
        for (int n = 0; n < N; n++) {
            const float* xc = x + ((size_t)n * C + c) * HW;
            float* yc = y + ((size_t)n * C + c) * HW;
#pragma omp simd
            for (int i = 0; i < HW; i++) yc[i] = xc[i] * scale + shift;
        }
    }
}

void batchnorm2d_forward_eval_cpu(const float* x, const float* gamma, const float* beta, const float* running_mean,
                                  const float* running_var, float* y, float* save_mean, float* save_invstd, int N,
                                  int C, int HW, float eps) {
#pragma omp parallel for schedule(static) if ((size_t)N * C * HW > 65536)
    for (int c = 0; c < C; c++) {
        const auto [scale, shift] = batchnorm2d_eval_channel_cpu(gamma, beta, running_mean, running_var, save_mean,
                                                                 save_invstd, c, eps);
        for (int n = 0; n < N; n++) {
            const float* xc = x + ((size_t)n * C + c) * HW;
            float* yc = y + ((size_t)n * C + c) * HW;
#pragma omp simd
            for (int i = 0; i < HW; i++) yc[i] = xc[i] * scale + shift;
        }
    }
}

void batchnorm2d_backward_cpu(const float* x, const float* gamma, const float* save_mean, const float* save_invstd,
                              const float* dy, float* dx, float* dgamma, float* dbeta, int N, int C, int HW,
                              bool training, bool accumulate) {
    const double m = (double)N * HW;
#pragma omp parallel for schedule(static) if ((size_t)N * C * HW > 65536)
    for (int c = 0; c < C; c++) {
        const float mean = save_mean[c], invstd = save_invstd[c];
        double sum_dy = 0, sum_dy_xhat = 0;
        for (int n = 0; n < N; n++) {
            const float* xc = x + ((size_t)n * C + c) * HW;
            const float* dyc = dy + ((size_t)n * C + c) * HW;
#pragma omp simd reduction(+ : sum_dy, sum_dy_xhat)
            for (int i = 0; i < HW; i++) {
                sum_dy += dyc[i];
                sum_dy_xhat += (double)dyc[i] * ((xc[i] - mean) * invstd);
            }
        }
        dbeta[c] += (float)sum_dy;
        dgamma[c] += (float)sum_dy_xhat;
        if (!dx) continue;
        const float k = gamma[c] * invstd;
        const float mean_dy = training ? (float)(sum_dy / m) : 0.0f;
        const float mean_dy_xhat = training ? (float)(sum_dy_xhat / m) : 0.0f;
        for (int n = 0; n < N; n++) {
            const float* xc = x + ((size_t)n * C + c) * HW;
            const float* dyc = dy + ((size_t)n * C + c) * HW;
            float* dxc = dx + ((size_t)n * C + c) * HW;
            if (accumulate) {
#pragma omp simd
                for (int i = 0; i < HW; i++) {
                    float xhat = (xc[i] - mean) * invstd;
                    dxc[i] += k * (dyc[i] - mean_dy - xhat * mean_dy_xhat);
                }
            } else {
#pragma omp simd
                for (int i = 0; i < HW; i++) {
                    float xhat = (xc[i] - mean) * invstd;
                    dxc[i] = k * (dyc[i] - mean_dy - xhat * mean_dy_xhat);
                }
            }
        }
    }
}

void batchnorm2d_forward_train(Engine engine, const float* x, const float* gamma, const float* beta, float* y,
                               float* save_mean, float* save_invstd, float* running_mean, float* running_var, int N,
                               int C, int HW, float eps, float momentum) {
    if (engine == Engine::Cuda) cuda::batchnorm2d_forward_train(x, gamma, beta, y, save_mean, save_invstd, running_mean,
                                                                running_var, N, C, HW, eps, momentum);
    else batchnorm2d_forward_train_cpu(x, gamma, beta, y, save_mean, save_invstd, running_mean, running_var, N, C, HW,
                                       eps, momentum);
}

void batchnorm2d_forward_eval(Engine engine, const float* x, const float* gamma, const float* beta,
                              const float* running_mean, const float* running_var, float* y, float* save_mean,
                              float* save_invstd, int N, int C, int HW, float eps) {
    if (engine == Engine::Cuda) cuda::batchnorm2d_forward_eval(x, gamma, beta, running_mean, running_var, y, save_mean,
                                                               save_invstd, N, C, HW, eps);
    else batchnorm2d_forward_eval_cpu(x, gamma, beta, running_mean, running_var, y, save_mean, save_invstd, N, C, HW,
                                      eps);
}

void batchnorm2d_backward(Engine engine, const float* x, const float* gamma, const float* save_mean,
                          const float* save_invstd, const float* dy, float* dx, float* dgamma, float* dbeta, int N,
                          int C, int HW, bool training, bool accumulate) {
    if (engine == Engine::Cuda) cuda::batchnorm2d_backward(x, gamma, save_mean, save_invstd, dy, dx, dgamma, dbeta, N,
                                                           C, HW, training, accumulate);
    else batchnorm2d_backward_cpu(x, gamma, save_mean, save_invstd, dy, dx, dgamma, dbeta, N, C, HW, training,
                                  accumulate);
}

BatchNorm2d::BatchNorm2d(int c, float eps_, float momentum_) : num_features(c), eps(eps_), momentum(momentum_) {
    if (c <= 0) throw std::invalid_argument("BatchNorm2d: num_features must be positive");
    weight = Tensor::full({c}, 1.0f).set_requires_grad(true);
    bias = Tensor::zeros({c}).set_requires_grad(true);
    running_mean = Tensor::zeros({c});
    running_var = Tensor::full({c}, 1.0f);
}

std::string BatchNorm2d::describe() const {
    std::ostringstream os;
    os << "BatchNorm2d(" << num_features << ", eps=" << eps << ", momentum=" << momentum << ")";
    return os.str();
}

Shape BatchNorm2d::output_shape(const Shape& in) const {
    if (in.size() != 4 || in[1] != num_features)
        throw std::invalid_argument(describe() + " expects (N, " + std::to_string(num_features) + ", H, W), got " +
                                    shape_str(in));
    return in;
}

void BatchNorm2d::collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) {
    out.push_back({join_name(prefix, "weight"), &weight});
    out.push_back({join_name(prefix, "bias"), &bias});
}
void BatchNorm2d::collect_buffers(const std::string& prefix, std::vector<NamedTensor>& out) {
    out.push_back({join_name(prefix, "running_mean"), &running_mean});
    out.push_back({join_name(prefix, "running_var"), &running_var});
}

namespace {
struct BatchNorm2dNode : TapeNode {
    Tensor x, weight, bias, y, save_mean, save_invstd;
    bool training;
    distributed::Communicator* sync = nullptr;  // --sync-bn (training only)
    const char* name() const override { return "BatchNorm2d"; }
    std::vector<const Tensor*> weights() const override { return {&weight, &bias}; }
    void backward() override {
        int N = x.dim(0), C = x.dim(1), HW = x.dim(2) * x.dim(3);
        bool accumulate = true;
        float* dx = x.requires_grad() ? x.grad_to_write(accumulate).data() : nullptr;  // every element written
        if (sync)
            return batchnorm2d_backward_synced_cpu(*sync, x.data(), weight.data(), save_mean.data(),
                                                   save_invstd.data(), y.grad().data(), dx, weight.grad().data(),
                                                   bias.grad().data(), N, C, HW, accumulate);
        batchnorm2d_backward(engine_for(y), x.data(), weight.data(), save_mean.data(), save_invstd.data(),
                              y.grad().data(), dx, weight.grad().data(), bias.grad().data(), N, C, HW, training,
                              accumulate);
    }
};
}  // namespace

Tensor BatchNorm2d::forward(const Tensor& x) {
    output_shape(x.shape());
    int N = x.dim(0), C = x.dim(1), HW = x.dim(2) * x.dim(3);
    Tensor y(x.shape(), x.device()), save_mean({C}, x.device()), save_invstd({C}, x.device());
    if (training_) {
        if ((size_t)N * HW < 2)
            throw std::invalid_argument(describe() + ": training needs more than one value per channel, got input " +
                                        shape_str(x.shape()));
        if (sync_ && x.device() != Device::CPU)
            throw std::invalid_argument(describe() + ": --sync-bn runs on the CPU only (use per-rank BatchNorm on CUDA)");
        if (sync_)
            batchnorm2d_forward_train_synced_cpu(*sync_, x.data(), weight.data(), bias.data(), y.data(),
                                                 save_mean.data(), save_invstd.data(), running_mean.data(),
                                                 running_var.data(), N, C, HW, eps, momentum);
        else
            batchnorm2d_forward_train(engine_for(x), x.data(), weight.data(), bias.data(), y.data(),
                                  save_mean.data(), save_invstd.data(), running_mean.data(), running_var.data(), N, C,
                                  HW, eps, momentum);
    } else {
        batchnorm2d_forward_eval(engine_for(x), x.data(), weight.data(), bias.data(), running_mean.data(),
                              running_var.data(), y.data(), save_mean.data(), save_invstd.data(), N, C, HW, eps);
    }
    if (should_record({&x, &weight, &bias})) {
        auto node = std::make_unique<BatchNorm2dNode>();
        node->x = x; node->weight = weight; node->bias = bias; node->y = y;
        node->save_mean = save_mean; node->save_invstd = save_invstd; node->training = training_;
        node->sync = training_ ? sync_ : nullptr;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

}  // namespace melgrad
