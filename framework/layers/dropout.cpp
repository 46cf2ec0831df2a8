#include "framework/layers/dropout.h"

#include <sstream>
#include <stdexcept>

#include "framework/layers/elementwise.h"
#include "framework/rng.h"
#include "framework/tape.h"

namespace melgrad {

void dropout_forward_cpu(const float* x, float* y, float* mask, size_t n, float p, uint64_t stream,
                         uint64_t first_index) {
    const float scale = 1.0f / (1.0f - p);
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) {
        mask[i] = counter_uniform(stream, first_index + i) >= p ? scale : 0.0f;
        y[i] = x[i] * mask[i];
    }
}

void dropout_backward_cpu(const float* dy, const float* mask, float* dx, size_t n) {
    for (size_t i = 0; i < n; i++) dx[i] += dy[i] * mask[i];
}

void dropout_forward(Engine engine, const float* x, float* y, float* mask, size_t n, float p, uint64_t stream,
                     uint64_t first_index) {
    if (engine == Engine::Cuda) cuda::dropout_forward(x, y, mask, n, p, stream, first_index);
    else dropout_forward_cpu(x, y, mask, n, p, stream, first_index);
}

void dropout_backward(Engine engine, const float* dy, const float* mask, float* dx, size_t n) {
    if (engine == Engine::Cuda) cuda::dropout_backward(dy, mask, dx, n);
    else dropout_backward_cpu(dy, mask, dx, n);
}

Dropout::Dropout(float p_) : p(p_) {
    if (!(p >= 0.0f && p < 1.0f)) throw std::invalid_argument("Dropout: p must be in [0, 1), got " + std::to_string(p));
}

std::string Dropout::describe() const {
    std::ostringstream os;
    os << "Dropout(p=" << p << ")";
    return os.str();
}

namespace {
struct DropoutNode : TapeNode {
    Tensor x, y, mask;
    const char* name() const override { return "Dropout"; }
    void backward() override {
        if (!x.requires_grad()) return;
        dropout_backward(engine_for(y), y.grad().data(), mask.data(), x.grad().data(), y.numel());
    }
};
struct IdentityNode : TapeNode {  // dropout in evaluation mode (or p = 0) passes the gradient through
    Tensor x, y;
    const char* name() const override { return "Identity"; }
    void backward() override {
        if (!x.requires_grad()) return;
        add_into(engine_for(y), x.grad().data(), y.grad().data(), y.numel());
    }
};
}  // namespace

Tensor Dropout::forward(const Tensor& x) {
    if (!training_ || p == 0.0f) {
        if (!should_record({&x})) return x;
        Tensor y = x.clone();
        auto node = std::make_unique<IdentityNode>();
        node->x = x; node->y = y;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
        return y;
    }
    Tensor y(x.shape(), x.device()), mask(x.shape(), x.device());
    uint64_t stream = splitmix64_mix(seed_ ^ splitmix64_mix(++calls_));
    const uint64_t per_sample = x.dim(0) > 0 ? x.numel() / x.dim(0) : 0;  // batch first: NCHW, (N, features)
    dropout_forward(engine_for(x), x.data(), y.data(), mask.data(), x.numel(), p, stream, first_sample_ * per_sample);
    if (should_record({&x})) {
        auto node = std::make_unique<DropoutNode>();
        node->x = x; node->y = y; node->mask = mask;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

}  // namespace melgrad
