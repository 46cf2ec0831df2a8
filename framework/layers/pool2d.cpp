#include "framework/layers/pool2d.h"

#include <cstring>
#include <stdexcept>

#include "framework/index_buffer.h"
#include "framework/tape.h"

namespace melgrad {

static Pool2dGeometry pool_geometry(const Shape& in, int kh, int kw, int sh, int sw, const std::string& layer) {
    if (in.size() != 4) throw std::invalid_argument(layer + " expects a 4-D (N, C, H, W) input, got " + shape_str(in));
    if (in[2] < kh || in[3] < kw)
        throw std::invalid_argument(layer + ": input " + shape_str(in) + " is smaller than the window");
    return {in[0], in[1], in[2], in[3], kh, kw, sh, sw, (in[2] - kh) / sh + 1, (in[3] - kw) / sw + 1};
}

// The 2x2, stride-2 window of every CNN here, written with selects instead of branches: on random data
// the CPU mispredicts about half of the branches of the general loop below. Same rule: first max wins.
static void maxpool2x2_plane(const float* xp, float* yp, int32_t* ap, const Pool2dGeometry& g) {
    for (int p = 0; p < g.P; p++) {
        const float* r0 = xp + (size_t)(2 * p) * g.W;
        const float* r1 = r0 + g.W;
        const int32_t i0 = 2 * p * g.W, i1 = i0 + g.W;  // plane indices of the window's two rows
        float* yrow = yp + (size_t)p * g.Q;
        int32_t* arow = ap + (size_t)p * g.Q;
#pragma omp simd
        for (int q = 0; q < g.Q; q++) {
            float a = r0[2 * q], b = r0[2 * q + 1], c = r1[2 * q], d = r1[2 * q + 1];
            float top = b > a ? b : a, bottom = d > c ? d : c;
            int32_t top_i = i0 + 2 * q + (b > a), bottom_i = i1 + 2 * q + (d > c);
            int32_t down = bottom > top;                 // 1: the bottom row holds the (first) maximum
            yrow[q] = down ? bottom : top;
            arow[q] = top_i + down * (bottom_i - top_i);
        }
    }
}

void maxpool2d_forward_cpu(const float* x, float* y, int32_t* argmax, const Pool2dGeometry& g) {
#pragma omp parallel for schedule(static) if ((size_t)g.N * g.C * g.H * g.W > 65536)
    for (int nc = 0; nc < g.N * g.C; nc++) {
        const float* xp = x + (size_t)nc * g.H * g.W;
        if (g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2) {
            maxpool2x2_plane(xp, y + (size_t)nc * g.P * g.Q, argmax + (size_t)nc * g.P * g.Q, g);
            continue;
        }
        for (int p = 0; p < g.P; p++)
            for (int q = 0; q < g.Q; q++) {
                int best = (p * g.sh) * g.W + q * g.sw;
                float best_value = xp[best];
                for (int i = 0; i < g.kh; i++)
                    for (int j = 0; j < g.kw; j++) {
                        int idx = (p * g.sh + i) * g.W + q * g.sw + j;
                        if (xp[idx] > best_value) { best_value = xp[idx]; best = idx; }  // strict: first max wins
                    }
                size_t o = ((size_t)nc * g.P + p) * g.Q + q;
                y[o] = best_value;
                argmax[o] = best;  // index within the (n, c) plane
            }
    }
}

// A fresh dx is zeroed one (n, c) plane at a time, just before the plane's gradients are added: the plane
// (64 KB at most in the paper CNN) is still in cache when they arrive, so the zeros cost no extra trip
// through memory, unlike zeroing the whole tensor first.
void maxpool2d_backward_cpu(const float* dy, const int32_t* argmax, float* dx, const Pool2dGeometry& g,
                            bool accumulate) {
#pragma omp parallel for schedule(static) if ((size_t)g.N * g.C * g.H * g.W > 65536)
    for (int nc = 0; nc < g.N * g.C; nc++) {
        float* dxp = dx + (size_t)nc * g.H * g.W;
        if (!accumulate) std::memset(dxp, 0, sizeof(float) * g.H * g.W);
        for (int pq = 0; pq < g.P * g.Q; pq++) {
            size_t o = (size_t)nc * g.P * g.Q + pq;
            dxp[argmax[o]] += dy[o];
        }
    }
}

void avgpool2d_forward_cpu(const float* x, float* y, const Pool2dGeometry& g) {
    const float inv = 1.0f / (float)(g.kh * g.kw);
#pragma omp parallel for schedule(static) if ((size_t)g.N * g.C * g.H * g.W > 65536)
    for (int nc = 0; nc < g.N * g.C; nc++) {
        const float* xp = x + (size_t)nc * g.H * g.W;
        for (int p = 0; p < g.P; p++)
            for (int q = 0; q < g.Q; q++) {
                float sum = 0;
                for (int i = 0; i < g.kh; i++)
                    for (int j = 0; j < g.kw; j++) sum += xp[(p * g.sh + i) * g.W + q * g.sw + j];
                y[((size_t)nc * g.P + p) * g.Q + q] = sum * inv;
            }
    }
}

void avgpool2d_backward_cpu(const float* dy, float* dx, const Pool2dGeometry& g) {
    const float inv = 1.0f / (float)(g.kh * g.kw);
#pragma omp parallel for schedule(static) if ((size_t)g.N * g.C * g.H * g.W > 65536)
    for (int nc = 0; nc < g.N * g.C; nc++) {
        float* dxp = dx + (size_t)nc * g.H * g.W;
        for (int p = 0; p < g.P; p++)
            for (int q = 0; q < g.Q; q++) {
                float d = dy[((size_t)nc * g.P + p) * g.Q + q] * inv;
                for (int i = 0; i < g.kh; i++)
                    for (int j = 0; j < g.kw; j++) dxp[(p * g.sh + i) * g.W + q * g.sw + j] += d;
            }
    }
}

void maxpool2d_forward(Engine engine, const float* x, float* y, int32_t* argmax, const Pool2dGeometry& g) {
    if (engine == Engine::Cuda) cuda::maxpool2d_forward(x, y, argmax, g);
    else maxpool2d_forward_cpu(x, y, argmax, g);
}

void maxpool2d_backward(Engine engine, const float* dy, const int32_t* argmax, float* dx, const Pool2dGeometry& g,
                        bool accumulate) {
    if (engine == Engine::Cuda) cuda::maxpool2d_backward(dy, argmax, dx, g, accumulate);
    else maxpool2d_backward_cpu(dy, argmax, dx, g, accumulate);
}

void avgpool2d_forward(Engine engine, const float* x, float* y, const Pool2dGeometry& g) {
    if (engine == Engine::Cuda) cuda::avgpool2d_forward(x, y, g);
    else avgpool2d_forward_cpu(x, y, g);
}

void avgpool2d_backward(Engine engine, const float* dy, float* dx, const Pool2dGeometry& g) {
    if (engine == Engine::Cuda) cuda::avgpool2d_backward(dy, dx, g);
    else avgpool2d_backward_cpu(dy, dx, g);
}

// ---- MaxPool2d --------------------------------------------------------------------------------------
MaxPool2d::MaxPool2d(int k, int s) : kernel_size(k), stride(s > 0 ? s : k) {
    if (k <= 0) throw std::invalid_argument("MaxPool2d: kernel_size must be positive");
}
std::string MaxPool2d::describe() const {
    return "MaxPool2d(kernel_size=" + std::to_string(kernel_size) + ", stride=" + std::to_string(stride) + ")";
}
Shape MaxPool2d::output_shape(const Shape& in) const {
    Pool2dGeometry g = pool_geometry(in, kernel_size, kernel_size, stride, stride, describe());
    return {g.N, g.C, g.P, g.Q};
}

namespace {
struct MaxPool2dNode : TapeNode {
    Tensor x, y;
    IndexBuffer argmax;  // on the tensor's device: one int32 per output
    Pool2dGeometry g;
    const char* name() const override { return "MaxPool2d"; }
    void backward() override {
        if (!x.requires_grad()) return;
        bool accumulate;
        float* dx = x.grad_to_write(accumulate).data();  // the kernel zeroes a fresh dx itself, plane by plane
        maxpool2d_backward(engine_for(y), y.grad().data(), argmax.data(), dx, g, accumulate);
    }
};
struct AvgPool2dNode : TapeNode {
    Tensor x, y;
    Pool2dGeometry g;
    const char* name() const override { return "AvgPool2d"; }
    void backward() override {
        if (!x.requires_grad()) return;
        avgpool2d_backward(engine_for(y), y.grad().data(), x.grad().data(), g);
    }
};
}  // namespace

Tensor MaxPool2d::forward(const Tensor& x) {
    Pool2dGeometry g = pool_geometry(x.shape(), kernel_size, kernel_size, stride, stride, describe());
    Tensor y({g.N, g.C, g.P, g.Q}, x.device());
    IndexBuffer argmax(y.numel(), x.device());
    maxpool2d_forward(engine_for(x), x.data(), y.data(), argmax.data(), g);
    if (should_record({&x})) {
        auto node = std::make_unique<MaxPool2dNode>();
        node->x = x; node->y = y; node->argmax = std::move(argmax); node->g = g;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

// ---- AvgPool2d and GlobalAvgPool2d (a window as large as the image) ---------------------------------
AvgPool2d::AvgPool2d(int k, int s) : kernel_size(k), stride(s > 0 ? s : k) {
    if (k <= 0) throw std::invalid_argument("AvgPool2d: kernel_size must be positive");
}
std::string AvgPool2d::describe() const {
    return "AvgPool2d(kernel_size=" + std::to_string(kernel_size) + ", stride=" + std::to_string(stride) + ")";
}
Shape AvgPool2d::output_shape(const Shape& in) const {
    Pool2dGeometry g = pool_geometry(in, kernel_size, kernel_size, stride, stride, describe());
    return {g.N, g.C, g.P, g.Q};
}

static Tensor avgpool(const Tensor& x, const Pool2dGeometry& g) {
    Tensor y({g.N, g.C, g.P, g.Q}, x.device());
    avgpool2d_forward(engine_for(x), x.data(), y.data(), g);
    if (should_record({&x})) {
        auto node = std::make_unique<AvgPool2dNode>();
        node->x = x; node->y = y; node->g = g;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

Tensor AvgPool2d::forward(const Tensor& x) { return avgpool(x, pool_geometry(x.shape(), kernel_size, kernel_size, stride, stride, describe())); }

Shape GlobalAvgPool2d::output_shape(const Shape& in) const {
    if (in.size() != 4) throw std::invalid_argument("GlobalAvgPool2d expects (N, C, H, W), got " + shape_str(in));
    return {in[0], in[1], 1, 1};
}

Tensor GlobalAvgPool2d::forward(const Tensor& x) {
    output_shape(x.shape());
    return avgpool(x, pool_geometry(x.shape(), x.dim(2), x.dim(3), 1, 1, describe()));
}

}  // namespace melgrad
