#include "framework/layers/relu.h"

#include "framework/tape.h"

namespace melgrad {

// `parallel for simd`: split across threads, and vectorised within each thread. Without the simd the
// backward loop compiles to a branch per element that the CPU mispredicts half of the time (the mask is
// random), which made it the slowest op of a training step.
void relu_forward_cpu(const float* x, float* y, size_t n) {
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_backward_cpu(const float* y, const float* dy, float* dx, size_t n, bool accumulate) {
    if (accumulate) {
#pragma omp parallel for simd schedule(static) if (n > 65536)
        for (size_t i = 0; i < n; i++) dx[i] += y[i] > 0.0f ? dy[i] : 0.0f;
    } else {
#pragma omp parallel for simd schedule(static) if (n > 65536)
        for (size_t i = 0; i < n; i++) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    }
}

void relu_forward(Engine engine, const float* x, float* y, size_t n) {
    if (engine == Engine::Cuda) cuda::relu_forward(x, y, n);
    else relu_forward_cpu(x, y, n);
}

void relu_backward(Engine engine, const float* y, const float* dy, float* dx, size_t n, bool accumulate) {
    if (engine == Engine::Cuda) cuda::relu_backward(y, dy, dx, n, accumulate);
    else relu_backward_cpu(y, dy, dx, n, accumulate);
}

namespace {
struct ReLUNode : TapeNode {
    Tensor x, y;  // the output suffices: y > 0 exactly where x > 0
    const char* name() const override { return "ReLU"; }
    void backward() override {
        if (!x.requires_grad()) return;
        bool accumulate;
        float* dx = x.grad_to_write(accumulate).data();  // every element is written: no zero fill needed
        relu_backward(engine_for(y), y.data(), y.grad().data(), dx, y.numel(), accumulate);
    }
};
}  // namespace

Tensor ReLU::forward(const Tensor& x) {
    Tensor y(x.shape(), x.device());
    relu_forward(engine_for(x), x.data(), y.data(), x.numel());
    if (should_record({&x})) {
        auto node = std::make_unique<ReLUNode>();
        node->x = x; node->y = y;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

}  // namespace melgrad
