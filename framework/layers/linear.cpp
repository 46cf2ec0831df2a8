#include "framework/layers/linear.h"

#include <cmath>
#include <stdexcept>

#include "framework/rng.h"
#include "framework/tape.h"

namespace melgrad {

void linear_forward_reference(const float* x, const float* w, const float* b, float* y, int N, int in, int out) {
    for (int n = 0; n < N; n++)
        for (int o = 0; o < out; o++) {
            float sum = b ? b[o] : 0.0f;
            for (int i = 0; i < in; i++) sum += x[(size_t)n * in + i] * w[(size_t)o * in + i];
            y[(size_t)n * out + o] = sum;
        }
}

void linear_backward_reference(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                               int N, int in, int out) {
    for (int n = 0; n < N; n++)
        for (int o = 0; o < out; o++) {
            float d = dy[(size_t)n * out + o];
            if (db) db[o] += d;
            for (int i = 0; i < in; i++) {
                dw[(size_t)o * in + i] += d * x[(size_t)n * in + i];
                if (dx) dx[(size_t)n * in + i] += d * w[(size_t)o * in + i];
            }
        }
}

void linear_forward(Engine engine, const float* x, const float* w, const float* b, float* y, int N, int in, int out) {
    if (engine == Engine::Cuda) cuda::linear_forward(x, w, b, y, N, in, out);
    else if (engine == Engine::CpuFast) linear_forward_fast(x, w, b, y, N, in, out);
    else linear_forward_reference(x, w, b, y, N, in, out);
}

void linear_backward(Engine engine, const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                     int N, int in, int out) {
    if (engine == Engine::Cuda) cuda::linear_backward(x, w, dy, dx, dw, db, N, in, out);
    else if (engine == Engine::CpuFast) linear_backward_fast(x, w, dy, dx, dw, db, N, in, out);
    else linear_backward_reference(x, w, dy, dx, dw, db, N, in, out);
}

Linear::Linear(int in, int out, bool has_bias) : in_features(in), out_features(out) {
    if (in <= 0 || out <= 0) throw std::invalid_argument("Linear: in_features and out_features must be positive");
    weight = Tensor::zeros({out, in});
    weight.set_requires_grad(true);
    if (has_bias) { bias = Tensor::zeros({out}); bias.set_requires_grad(true); }
    Rng rng(0);
    reset_parameters(rng);
}

void Linear::reset_parameters(Rng& rng) {
    float bound = 1.0f / std::sqrt((float)in_features);
    Tensor w(weight.shape());
    for (size_t i = 0; i < w.numel(); i++) w.at(i) = rng.uniform(-bound, bound);
    weight.copy_from(w);
    if (bias.defined()) {
        Tensor b(bias.shape());
        for (size_t i = 0; i < b.numel(); i++) b.at(i) = rng.uniform(-bound, bound);
        bias.copy_from(b);
    }
}

std::string Linear::describe() const {
    return "Linear(in_features=" + std::to_string(in_features) + ", out_features=" + std::to_string(out_features) +
           (bias.defined() ? "" : ", bias=False") + ")";
}

Shape Linear::output_shape(const Shape& in) const {
    if (in.size() != 2 || in[1] != in_features)
        throw std::invalid_argument(describe() + " expects (N, " + std::to_string(in_features) + "), got " +
                                    shape_str(in));
    return {in[0], out_features};
}

void Linear::collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) {
    out.push_back({join_name(prefix, "weight"), &weight});
    if (bias.defined()) out.push_back({join_name(prefix, "bias"), &bias});
}

namespace {
struct LinearNode : TapeNode {
    Tensor x, weight, bias, y;
    const char* name() const override { return "Linear"; }
    std::vector<const Tensor*> weights() const override { return {&weight, &bias}; }
    void backward() override {
        int N = x.dim(0), in = x.dim(1), out = y.dim(1);
        float* dx = x.requires_grad() ? x.grad().data() : nullptr;
        float* db = bias.defined() ? bias.grad().data() : nullptr;
        linear_backward(engine_for(y), x.data(), weight.data(), y.grad().data(), dx, weight.grad().data(), db,
                         N, in, out);
    }
};
}  // namespace

Tensor Linear::forward(const Tensor& x) {
    Shape out = output_shape(x.shape());
    Tensor y(out, x.device());
    linear_forward(engine_for(x), x.data(), weight.data(), bias.defined() ? bias.data() : nullptr, y.data(),
                     out[0], in_features, out_features);
    if (should_record({&x, &weight, &bias})) {
        auto node = std::make_unique<LinearNode>();
        node->x = x; node->weight = weight; node->bias = bias; node->y = y;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

}  // namespace melgrad
