#include "framework/layers/leaky_relu.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "framework/tape.h"

namespace melgrad {

// The CPU loops. `parallel for simd` as in relu.cpp: split over threads, vectorised within each (the select
// compiles to a blend, no branch to mispredict).
void leaky_relu_forward_cpu(const float* x, float* y, size_t n, float negative_slope) {
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : negative_slope * x[i];
}

void leaky_relu_backward_cpu(const float* x, const float* dy, float* dx, size_t n, float negative_slope,
                             bool accumulate) {
    if (accumulate) {
#pragma omp parallel for simd schedule(static) if (n > 65536)
        for (size_t i = 0; i < n; i++) dx[i] += x[i] > 0.0f ? dy[i] : negative_slope * dy[i];
    } else {
#pragma omp parallel for simd schedule(static) if (n > 65536)
        for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : negative_slope * dy[i];
    }
}

// Which implementation runs.
void leaky_relu_forward(Engine engine, const float* x, float* y, size_t n, float negative_slope) {
    if (engine == Engine::Cuda) cuda::leaky_relu_forward(x, y, n, negative_slope);
    else leaky_relu_forward_cpu(x, y, n, negative_slope);
}

void leaky_relu_backward(Engine engine, const float* x, const float* dy, float* dx, size_t n, float negative_slope,
                         bool accumulate) {
    if (engine == Engine::Cuda) cuda::leaky_relu_backward(x, dy, dx, n, negative_slope, accumulate);
    else leaky_relu_backward_cpu(x, dy, dx, n, negative_slope, accumulate);
}

LeakyReLU::LeakyReLU(float slope) : negative_slope(slope) {
    if (!std::isfinite(slope)) throw std::invalid_argument("LeakyReLU: negative_slope must be a finite number");
}

std::string LeakyReLU::describe() const {
    std::ostringstream os;
    os << "LeakyReLU(negative_slope=" << negative_slope << ")";
    return os.str();
}

namespace {
// What the backward pass needs: the input (its sign picks the piece) and the output, whose gradient
// y.grad() the later layers have filled by the time this node runs.
struct LeakyReLUNode : TapeNode {
    Tensor x, y;
    float negative_slope;
    const char* name() const override { return "LeakyReLU"; }
    void backward() override {
        if (!x.requires_grad()) return;
        bool accumulate;
        float* dx = x.grad_to_write(accumulate).data();  // every element is written: no zero fill needed
        leaky_relu_backward(engine_for(y), x.data(), y.grad().data(), dx, y.numel(), negative_slope, accumulate);
    }
};
}  // namespace

Tensor LeakyReLU::forward(const Tensor& x) {
    Tensor y(x.shape(), x.device());
    leaky_relu_forward(engine_for(x), x.data(), y.data(), x.numel(), negative_slope);
    if (should_record({&x})) {  // grad mode is on and x needs a gradient: remember how y was made
        auto node = std::make_unique<LeakyReLUNode>();
        node->x = x;
        node->y = y;
        node->negative_slope = negative_slope;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

}  // namespace melgrad
