#include "framework/layers/conv2d.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "framework/backend.h"
#include "framework/rng.h"
#include "framework/tape.h"

namespace melgrad {

Conv2dGeometry conv2d_geometry(const Shape& in, const Conv2dWindow& w) {
    if (in.size() != 4) throw std::invalid_argument("expects a 4-D (N, C, H, W) input, got " + shape_str(in));
    Conv2dGeometry g;
    g.N = in[0], g.C = in[1], g.H = in[2], g.W = in[3];
    g.K = w.out_channels, g.R = w.kernel_h, g.S = w.kernel_w;
    g.stride_h = w.stride_h, g.stride_w = w.stride_w, g.pad_h = w.pad_h, g.pad_w = w.pad_w;
    g.P = (g.H + 2 * g.pad_h - g.R) / g.stride_h + 1;
    g.Q = (g.W + 2 * g.pad_w - g.S) / g.stride_w + 1;
    if (g.H + 2 * g.pad_h < g.R || g.W + 2 * g.pad_w < g.S)
        throw std::invalid_argument("input " + shape_str(in) + " is smaller than the kernel");
    return g;
}

void conv2d_forward_reference(const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g) {
    for (int n = 0; n < g.N; n++)
        for (int k = 0; k < g.K; k++)
            for (int p = 0; p < g.P; p++)
                for (int q = 0; q < g.Q; q++) {
                    float sum = b ? b[k] : 0.0f;
                    for (int c = 0; c < g.C; c++)
                        for (int r = 0; r < g.R; r++)
                            for (int s = 0; s < g.S; s++) {
                                int h = p * g.stride_h - g.pad_h + r, wi = q * g.stride_w - g.pad_w + s;
                                if (h < 0 || h >= g.H || wi < 0 || wi >= g.W) continue;  // zero padding
                                sum += w[((k * g.C + c) * g.R + r) * g.S + s] * x[((n * g.C + c) * g.H + h) * g.W + wi];
                            }
                    y[((n * g.K + k) * g.P + p) * g.Q + q] = sum;
                }
}

void conv2d_backward_reference(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                               const Conv2dGeometry& g, bool accumulate_dx) {
    if (dx && !accumulate_dx) std::fill(dx, dx + (size_t)g.N * g.C * g.H * g.W, 0.0f);  // then += as always
    for (int n = 0; n < g.N; n++)
        for (int k = 0; k < g.K; k++)
            for (int p = 0; p < g.P; p++)
                for (int q = 0; q < g.Q; q++) {
                    float d = dy[((n * g.K + k) * g.P + p) * g.Q + q];
                    if (db) db[k] += d;
                    for (int c = 0; c < g.C; c++)
                        for (int r = 0; r < g.R; r++)
                            for (int s = 0; s < g.S; s++) {
                                int h = p * g.stride_h - g.pad_h + r, wi = q * g.stride_w - g.pad_w + s;
                                if (h < 0 || h >= g.H || wi < 0 || wi >= g.W) continue;
                                size_t xi = ((size_t)(n * g.C + c) * g.H + h) * g.W + wi;
                                size_t wj = ((size_t)(k * g.C + c) * g.R + r) * g.S + s;
                                dw[wj] += d * x[xi];
                                if (dx) dx[xi] += d * w[wj];
                            }
                }
}

void conv2d_forward(Engine engine, const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g) {
    if (engine == Engine::Cuda) cuda::conv2d_forward(x, w, b, y, g);
    else if (engine == Engine::CpuFast) conv2d_forward_fast(x, w, b, y, g);
    else conv2d_forward_reference(x, w, b, y, g);
}

void conv2d_backward(Engine engine, const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                     const Conv2dGeometry& g, bool accumulate_dx) {
    if (engine == Engine::Cuda) cuda::conv2d_backward(x, w, dy, dx, dw, db, g, accumulate_dx);
    else if (engine == Engine::CpuFast) conv2d_backward_fast(x, w, dy, dx, dw, db, g, accumulate_dx);
    else conv2d_backward_reference(x, w, dy, dx, dw, db, g, accumulate_dx);
}

Conv2d::Conv2d(int in_c, int out_c, int k, int s, int p, bool has_bias)
    : in_channels(in_c), out_channels(out_c), kernel_size(k), stride(s), padding(p) {
    if (in_c <= 0 || out_c <= 0 || k <= 0 || s <= 0 || p < 0)
        throw std::invalid_argument("Conv2d: channels, kernel_size and stride must be positive, padding >= 0");
    weight = Tensor::zeros({out_c, in_c, k, k});
    weight.set_requires_grad(true);
    if (has_bias) { bias = Tensor::zeros({out_c}); bias.set_requires_grad(true); }
    Rng rng(0);
    reset_parameters(rng);
}

void Conv2d::reset_parameters(Rng& rng) {
    float bound = 1.0f / std::sqrt((float)(in_channels * kernel_size * kernel_size));
    Tensor w = Tensor(weight.shape()), b;
    for (size_t i = 0; i < w.numel(); i++) w.at(i) = rng.uniform(-bound, bound);
    weight.copy_from(w);
    if (bias.defined()) {
        b = Tensor(bias.shape());
        for (size_t i = 0; i < b.numel(); i++) b.at(i) = rng.uniform(-bound, bound);
        bias.copy_from(b);
    }
}

Conv2dWindow Conv2d::window() const {
    Conv2dWindow w;
    w.out_channels = out_channels;
    w.kernel_h = w.kernel_w = kernel_size;
    w.stride_h = w.stride_w = stride;
    w.pad_h = w.pad_w = padding;
    return w;
}

std::string Conv2d::describe() const {
    std::ostringstream os;
    os << "Conv2d(" << in_channels << ", " << out_channels << ", kernel_size=" << kernel_size;
    if (stride != 1) os << ", stride=" << stride;
    if (padding != 0) os << ", padding=" << padding;
    if (!bias.defined()) os << ", bias=False";
    os << ")";
    return os.str();
}

Shape Conv2d::output_shape(const Shape& in) const {
    if (in.size() != 4 || in[1] != in_channels)
        throw std::invalid_argument(describe() + " expects (N, " + std::to_string(in_channels) + ", H, W), got " +
                                    shape_str(in));
    Conv2dGeometry g = conv2d_geometry(in, window());
    return {g.N, g.K, g.P, g.Q};
}

void Conv2d::collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) {
    out.push_back({join_name(prefix, "weight"), &weight});
    if (bias.defined()) out.push_back({join_name(prefix, "bias"), &bias});
}

namespace {
struct Conv2dNode : TapeNode {
    Tensor x, weight, bias, y;
    Conv2dGeometry g;
    const char* name() const override { return "Conv2d"; }
    std::vector<const Tensor*> weights() const override { return {&weight, &bias}; }
    void backward() override {
        // dx is written whole (col2im into a zeroed or existing gradient); the input image needs none (null).
        bool accumulate_dx = true;
        float* dx = x.requires_grad() ? x.grad_to_write(accumulate_dx).data() : nullptr;
        float* db = bias.defined() ? bias.grad().data() : nullptr;
        const float* dy = y.grad().data();
        conv2d_backward(engine_for(y), x.data(), weight.data(), dy, dx, weight.grad().data(), db, g,
                         accumulate_dx);
    }
};
}  // namespace

Tensor Conv2d::forward(const Tensor& x) {
    Shape out = output_shape(x.shape());
    Conv2dGeometry g = conv2d_geometry(x.shape(), window());
    Tensor y(out, x.device());
    conv2d_forward(engine_for(x), x.data(), weight.data(), bias.defined() ? bias.data() : nullptr, y.data(), g);
    if (should_record({&x, &weight, &bias})) {
        auto node = std::make_unique<Conv2dNode>();
        node->x = x; node->weight = weight; node->bias = bias; node->y = y; node->g = g;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

}  // namespace melgrad
