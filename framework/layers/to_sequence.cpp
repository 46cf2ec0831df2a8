#include "framework/layers/to_sequence.h"

#include <stdexcept>

#include "framework/tape.h"

namespace melgrad {

void to_sequence_forward_cpu(const float* x, float* y, int N, int C, int H, int W) {
    const size_t F = (size_t)C * H;  // features per step
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int h = 0; h < H; h++) {
                const float* row = x + (((size_t)n * C + c) * H + h) * W;  // x[n, c, h, :]
                for (int w = 0; w < W; w++) y[((size_t)n * W + w) * F + (size_t)c * H + h] = row[w];
            }
}

void to_sequence_backward_cpu(const float* dy, float* dx, int N, int C, int H, int W) {
    const size_t F = (size_t)C * H;
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int h = 0; h < H; h++) {
                float* row = dx + (((size_t)n * C + c) * H + h) * W;
                for (int w = 0; w < W; w++) row[w] += dy[((size_t)n * W + w) * F + (size_t)c * H + h];
            }
}

void to_sequence_forward(Engine engine, const float* x, float* y, int N, int C, int H, int W) {
    if (engine == Engine::Cuda) cuda::to_sequence_forward(x, y, N, C, H, W);
    else to_sequence_forward_cpu(x, y, N, C, H, W);
}

void to_sequence_backward(Engine engine, const float* dy, float* dx, int N, int C, int H, int W) {
    if (engine == Engine::Cuda) cuda::to_sequence_backward(dy, dx, N, C, H, W);
    else to_sequence_backward_cpu(dy, dx, N, C, H, W);
}

Shape ToSequence::output_shape(const Shape& in) const {
    if (in.size() != 4)
        throw std::invalid_argument("ToSequence expects feature maps (N, C, H, W), got " + shape_str(in));
    return {in[0], in[3], in[1] * in[2]};
}

namespace {
struct ToSequenceNode : TapeNode {
    Tensor x, y;
    const char* name() const override { return "ToSequence"; }
    void backward() override {
        if (!x.requires_grad()) return;
        to_sequence_backward(engine_for(y), y.grad().data(), x.grad().data(), x.dim(0), x.dim(1),
                              x.dim(2), x.dim(3));
    }
};
}  // namespace

Tensor ToSequence::forward(const Tensor& x) {
    Tensor y(output_shape(x.shape()), x.device());
    to_sequence_forward(engine_for(x), x.data(), y.data(), x.dim(0), x.dim(1), x.dim(2), x.dim(3));
    if (should_record({&x})) {
        auto node = std::make_unique<ToSequenceNode>();
        node->x = x; node->y = y;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

}  // namespace melgrad
