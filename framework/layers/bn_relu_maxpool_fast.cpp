#include <cstdint>
#include <memory>

#include "framework/backend.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/bn_relu_maxpool.h"
#include "framework/layers/pool2d.h"
#include "framework/tape.h"

namespace melgrad {

bool can_fuse_bn_relu_maxpool(const Module& a, const Module& b, const Module& c, const Tensor& x) {
    if (a.type() != "BatchNorm2d" || b.type() != "ReLU" || c.type() != "MaxPool2d") return false;
    // The fused forward takes the statistics from this process's batch alone (batchnorm2d_train_channel_cpu).
    // A BatchNorm2d whose statistics are summed over the ranks of a data-parallel run (--sync-bn) runs as a layer.
    if (static_cast<const BatchNorm2d&>(a).statistics_synced()) return false;
    const auto& pool = static_cast<const MaxPool2d&>(c);
    if (pool.kernel_size != 2 || pool.stride != 2) return false;
    if (x.device() != Device::CPU || engine_for(x) != Engine::CpuFast || x.ndim() != 4) return false;
    const int H = x.dim(2), W = x.dim(3);
    // training with one value per channel: BatchNorm2d's own forward gives the error
    const bool statistics_ok = !a.training() || (size_t)x.dim(0) * H * W >= 2;
    return H >= 2 && W >= 2 && H % 2 == 0 && W % 2 == 0 && statistics_ok;
}

namespace {

// One (n, c) plane: out[p][q] = the first maximum of relu(x * scale + shift) over the window rows 2p, 2p+1 and
// columns 2q, 2q+1; arg[p][q] = its place in the window (0, 1 top row; 2, 3 bottom row), xmax[p][q] = the input x
// there (the backward's BatchNorm sums need x only at the windows' maxima). The same selects as
// maxpool2x2_plane in framework/layers/pool2d.cpp.
void forward_plane(const float* xp, float* op, int32_t* ap, float* xmp, int H, int W, BatchNormChannelMap map) {
    auto bn_relu = [map](float v) { v = v * map.scale + map.shift; return v > 0.0f ? v : 0.0f; };
    const int P = H / 2, Q = W / 2;
    for (int p = 0; p < P; p++) {
        const float* r0 = xp + (size_t)(2 * p) * W;
        const float* r1 = r0 + W;
#pragma omp simd
        for (int q = 0; q < Q; q++) {
            const float x0 = r0[2 * q], x1 = r0[2 * q + 1], x2 = r1[2 * q], x3 = r1[2 * q + 1];
            float a = bn_relu(x0), b = bn_relu(x1), c = bn_relu(x2), d = bn_relu(x3);
            float top = b > a ? b : a, bottom = d > c ? d : c;
            float x_top = b > a ? x1 : x0, x_bottom = d > c ? x3 : x2;
            int top_i = b > a, bottom_i = 2 + (d > c);
            int down = bottom > top;  // 1: the bottom row holds the (first) maximum
            op[(size_t)p * Q + q] = down ? bottom : top;
            ap[(size_t)p * Q + q] = top_i + down * (bottom_i - top_i);
            xmp[(size_t)p * Q + q] = down ? x_bottom : x_top;
        }
    }
}

void bn_relu_maxpool_forward_cpu(const Tensor& x, BatchNorm2d& bn, bool training, float* out, int32_t* arg,
                                 float* xmax, float* save_mean, float* save_invstd) {
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), HW = H * W, PQ = HW / 4;
    const float *xd = x.data(), *gamma = bn.weight.data(), *beta = bn.bias.data();
    float *running_mean = bn.running_mean.data(), *running_var = bn.running_var.data();
#pragma omp parallel for schedule(static) if ((size_t)N * C * HW > 65536)
    for (int c = 0; c < C; c++) {
        const BatchNormChannelMap map =
            training ? batchnorm2d_train_channel_cpu(xd, gamma, beta, save_mean, save_invstd, running_mean, running_var,
                                                     N, C, HW, c, bn.eps, bn.momentum)
                     : batchnorm2d_eval_channel_cpu(gamma, beta, running_mean, running_var, save_mean, save_invstd, c,
                                                    bn.eps);
        for (int n = 0; n < N; n++) {
            const size_t plane = (size_t)n * C + c;
            forward_plane(xd + plane * HW, out + plane * PQ, arg + plane * PQ, xmax + plane * PQ, H, W, map);
        }
    }
}

// One plane's share of BatchNorm's sums of dy and dy * xhat. dy (the gradient at BatchNorm's output) is nonzero
// only at a window's maximum, where it is dout if the block's output there is positive (ReLU let it through), so
// the sums need only the windows: dout, out and the input at the maximum (xmax, saved by the forward). Summed in
// float along the plane (that vectorises), the planes then in double, as batchnorm2d_backward_cpu sums.
void add_plane_sums(const float* xmax, const float* out, const float* dout, int PQ, float mean, float invstd,
                    double& sum_dy, double& sum_dy_xhat) {
    float s_dy = 0, s_dy_xhat = 0;
#pragma omp simd reduction(+ : s_dy, s_dy_xhat)
    for (int i = 0; i < PQ; i++) {
        const float d = dout[i];  // read unconditionally: a conditional load keeps GCC from vectorising
        const float dy = out[i] > 0.0f ? d : 0.0f;
        s_dy += dy;
        s_dy_xhat += dy * ((xmax[i] - mean) * invstd);
    }
    sum_dy += s_dy;
    sum_dy_xhat += s_dy_xhat;
}

// BatchNorm's dx = k * (dy - mean_dy - xhat * mean_dy_xhat) for one row of x, written window by window: each window
// of the row gives its two inputs' gradients, dy being the window's gradient at its maximum (place arg) and 0 at
// the other places. `bottom` is 2 on a window's second row (its places are 2 and 3), else 0.
struct ChannelGradient {
    float mean, invstd, k, mean_dy, mean_dy_xhat;
};
template <bool Accumulate>
void dx_row(const float* xr, const float* orow, const float* drow, const int32_t* arow, float* dxr, int Q, int bottom,
            ChannelGradient cg) {
#pragma omp simd
    for (int q = 0; q < Q; q++) {
        const float d = drow[q];  // read unconditionally (as above)
        const float dy = orow[q] > 0.0f ? d : 0.0f;
        const int place = arow[q] - bottom;  // 0 or 1: the maximum is in this row, at column 2q or 2q + 1
        const float dy0 = place == 0 ? dy : 0.0f, dy1 = place == 1 ? dy : 0.0f;
        const float g0 = cg.k * (dy0 - cg.mean_dy - (xr[2 * q] - cg.mean) * cg.invstd * cg.mean_dy_xhat);
        const float g1 = cg.k * (dy1 - cg.mean_dy - (xr[2 * q + 1] - cg.mean) * cg.invstd * cg.mean_dy_xhat);
        dxr[2 * q] = Accumulate ? dxr[2 * q] + g0 : g0;
        dxr[2 * q + 1] = Accumulate ? dxr[2 * q + 1] + g1 : g1;
    }
}

struct BnReluMaxPoolNode : TapeNode {
    Tensor x, weight, bias, out, save_mean, save_invstd;
    // per window, written by forward_plane (left uninitialised before: a pass of zeros fewer)
    std::unique_ptr<int32_t[]> arg;  // where its maximum is, 0..3
    std::unique_ptr<float[]> xmax;   // the input x there
    bool training = true;
    const char* name() const override { return "BatchNorm2d+ReLU+MaxPool2d"; }
    std::vector<const Tensor*> weights() const override { return {&weight, &bias}; }
    void backward() override;
};

// BatchNorm2d's backward (framework/layers/batchnorm2d.h) with dy nonzero only at the windows' maxima.
void BnReluMaxPoolNode::backward() {
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), HW = H * W, PQ = HW / 4;
    const double m = (double)N * HW;
    bool accumulate = true;
    float* dx = x.requires_grad() ? x.grad_to_write(accumulate).data() : nullptr;  // every element written
    const float *xd = x.data(), *od = out.data(), *dout = out.grad().data(), *gamma = weight.data();
    float *dgamma = weight.grad().data(), *dbeta = bias.grad().data();
    const int32_t* ad = arg.get();
    const float* xm = xmax.get();
#pragma omp parallel for schedule(static) if ((size_t)N * C * HW > 65536)
    for (int c = 0; c < C; c++) {
        const float mean = save_mean.data()[c], invstd = save_invstd.data()[c];
        double sum_dy = 0, sum_dy_xhat = 0;
        for (int n = 0; n < N; n++) {
            const size_t windows = ((size_t)n * C + c) * PQ;
            add_plane_sums(xm + windows, od + windows, dout + windows, PQ, mean, invstd, sum_dy, sum_dy_xhat);
        }
        dbeta[c] += (float)sum_dy;
        dgamma[c] += (float)sum_dy_xhat;
        if (!dx) continue;
        const ChannelGradient cg{mean, invstd, gamma[c] * invstd, training ? (float)(sum_dy / m) : 0.0f,
                                 training ? (float)(sum_dy_xhat / m) : 0.0f};
        auto dx_of = accumulate ? dx_row<true> : dx_row<false>;
        for (int n = 0; n < N; n++)
            for (int row = 0; row < H; row++) {
                const size_t plane = (size_t)n * C + c, windows = plane * PQ + (size_t)(row / 2) * (W / 2);
                dx_of(xd + plane * HW + (size_t)row * W, od + windows, dout + windows, ad + windows,
                      dx + plane * HW + (size_t)row * W, W / 2, 2 * (row % 2), cg);
            }
    }
}

}  // namespace

Tensor bn_relu_maxpool_forward(BatchNorm2d& bn, const Tensor& x) {
    bn.output_shape(x.shape());  // the channels must match: BatchNorm2d's own error
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    Tensor out({N, C, H / 2, W / 2}), save_mean({C}), save_invstd({C});
    std::unique_ptr<int32_t[]> arg(new int32_t[out.numel()]);
    std::unique_ptr<float[]> xmax(new float[out.numel()]);
    bn_relu_maxpool_forward_cpu(x, bn, bn.training(), out.data(), arg.get(), xmax.get(), save_mean.data(),
                                save_invstd.data());
    if (should_record({&x, &bn.weight, &bn.bias})) {
        auto node = std::make_unique<BnReluMaxPoolNode>();
        node->x = x; node->weight = bn.weight; node->bias = bn.bias; node->out = out;
        node->save_mean = save_mean; node->save_invstd = save_invstd; node->arg = std::move(arg);
        node->xmax = std::move(xmax);
        node->training = bn.training();
        out.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return out;
}

}  // namespace melgrad
