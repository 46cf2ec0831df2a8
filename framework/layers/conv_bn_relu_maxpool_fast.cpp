// 512-bit vectors where the CPU has them (GCC prefers 256 bits; see audio/fft.cpp): 0.977x the time of a whole
// bench-train process (paper CNN, 1 thread, with framework/cpu/im2col.cpp and conv2d_fast.cpp; chapter 12).
// First, so that the inline loops of the headers below (bn_relu_maxpool_kernels.h) are compiled with it too.
#if defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")
#endif
#include "framework/layers/conv_bn_relu_maxpool.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/backend.h"
#include "framework/cpu/scratch.h"
#include "framework/layers/bn_relu_maxpool.h"
#include "framework/layers/bn_relu_maxpool_kernels.h"
#include "framework/tape.h"

namespace melgrad {

bool can_fuse_conv_bn_relu_maxpool(const Module& a, const Module& b, const Module& c, const Module& d, const Tensor& x) {
    if (a.type() != "Conv2d" || b.type() != "BatchNorm2d" || !b.training()) return false;
    if (x.device() != Device::CPU || engine_for(x) != Engine::CpuFast) return false;
    const auto& conv = static_cast<const Conv2d&>(a);
    if (x.ndim() != 4 || x.dim(1) != conv.in_channels) return false;  // Conv2d's own forward gives the error
    const Conv2dGeometry g = conv2d_geometry(x.shape(), conv.window());
    if (g.P <= 0 || g.Q <= 0) return false;
    return bn_relu_maxpool_fits(b, c, d, {g.N, g.K, g.P, g.Q});
}

// Whether to compute the convolution's output y twice more (forward, then backward) instead of keeping it. A
// convolution costs C*R*S multiply-adds per value of y; at 9 or fewer (the paper CNN's first layer: one channel,
// 3x3) that is cheaper than writing y to memory and reading it back twice, 33.5 MB each time in the first layer.
// The bands must hold whole rows of windows (an even number of rows), since the pooling pass works band by band.
bool conv_bn_relu_maxpool_recomputes_y(const Conv2dGeometry& g) {
    const int rows = conv2d_fast_band_rows(g);
    return g.C * g.R * g.S <= 9 && (rows >= g.P || rows % 2 == 0);
}

namespace {

// One band's statistics of one channel: its mean and M2 = the sum of squared deviations from that mean (the count
// is the band's pixels). Taken in float over a band (at most 512 values), kept and merged in double.
struct BandMoments {
    double mean, m2;
};

// The moments of `count` values in a row (one channel's part of a band: rows p0..p1 of a plane are contiguous).
BandMoments band_moments(const float* v, int count) {
    // One pass in float (16 lanes, each adding count / 16 values), about the band's first value so that a channel
    // far from 0 does not cancel its digits away: sum (v - v0) and sum (v - v0)^2, then in double
    // mean = v0 + s / count and M2 = sum (v - v0)^2 - s^2 / count.
    const float v0 = v[0];
    float s = 0, sq = 0;
#pragma omp simd reduction(+ : s, sq)
    for (int i = 0; i < count; i++) { const float d = v[i] - v0; s += d; sq += d * d; }
    return {v0 + (double)s / count, std::max(0.0, (double)sq - (double)s * s / count)};
}

// Chan, Golub and LeVeque's merge (the header): the moments of a (count n_a) and b (count n_b) together.
void merge_moments(double& n_a, BandMoments& a, double n_b, const BandMoments& b) {
    const double n = n_a + n_b, delta = b.mean - a.mean;
    a.mean += delta * n_b / n;
    a.m2 += b.m2 + delta * delta * n_a * n_b / n;
    n_a = n;
}

struct ConvBnReluMaxPoolNode : TapeNode {
    Tensor x, conv_weight, conv_bias, y, bn_weight, bn_bias, out, save_mean, save_invstd;  // y: undefined if recomputed
    Conv2dGeometry g;
    // per window of out, written by bn_relu_maxpool_plane
    std::unique_ptr<int32_t[]> arg;  // where its maximum is, 0..3
    std::unique_ptr<float[]> xmax;   // y there
    const char* name() const override { return "Conv2d+BatchNorm2d+ReLU+MaxPool2d"; }
    std::vector<const Tensor*> weights() const override { return {&conv_weight, &conv_bias, &bn_weight, &bn_bias}; }
    void backward() override;
    std::vector<BatchNormChannelGradient> batchnorm_sums();
};

// BatchNorm's dbeta and dgamma, and per channel what its dx needs (bn_channel_gradient, as bn_relu_maxpool).
std::vector<BatchNormChannelGradient> ConvBnReluMaxPoolNode::batchnorm_sums() {
    const int N = g.N, K = g.K, windows_per_plane = g.P * g.Q / 4;
    const BnWindows windows_of{xmax.get(), out.data(), out.grad().data(), N, K, windows_per_plane};
    // the gradients' pointers taken here, once: grad() may create the tensor, which threads must not race to do
    float *dgamma = bn_weight.grad().data(), *dbeta = bn_bias.grad().data();
    std::vector<BatchNormChannelGradient> cg(K);
#pragma omp parallel for schedule(static) num_threads(num_threads()) if ((size_t)N * K * windows_per_plane > 16384)
    for (int k = 0; k < K; k++)
        cg[k] = bn_channel_gradient(windows_of, k, save_mean.data(), save_invstd.data(), bn_weight.data(), dgamma,
                                    dbeta, (double)N * g.P * g.Q, true);
    return cg;
}

void ConvBnReluMaxPoolNode::backward() {
    const std::vector<BatchNormChannelGradient> cg = batchnorm_sums();
    const int K = g.K, Q = g.Q, PQ = g.P * g.Q;
    const float *od = out.data(), *dout = out.grad().data();
    const int32_t* ad = arg.get();
    const bool recompute = !y.defined();
    const float* b = conv_bias.defined() ? conv_bias.data() : nullptr;
    const ConvBandWeights weights = recompute ? conv2d_band_weights(conv_weight.data(), b, g) : ConvBandWeights();
    const size_t x_stride = (size_t)g.C * g.H * g.W, band_size = (size_t)std::min(conv2d_fast_band_rows(g), g.P) * Q;
    // The convolution's dy for rows [p0, p1) of image n: BatchNorm's dx there, row by row (bn_dx_row), from y's band
    // (kept, or computed again into this thread's scratch). The recomputation's im2col uses the convolution's own
    // col buffer (slot 0, the same size: J x band): conv2d_backward_fast calls this hook before it does the very
    // same im2col for its GEMMs, so the buffer is free, and the repeat is cheap for a one-channel input.
    auto dy_band = [&](int n, int p0, int p1, float* dy) {
        const int columns = (p1 - p0) * Q;
        const float* y_band = y.defined() ? y.data() + (size_t)n * K * PQ + (size_t)p0 * Q : nullptr;
        int ldy = PQ;
        if (recompute) {
            float* band = thread_scratch(5, (size_t)K * band_size);
            conv2d_forward_band(x.data() + n * x_stride, weights, band, columns, g, p0, p1,
                                thread_scratch(0, (size_t)weights.J * band_size));
            y_band = band, ldy = columns;
        }
        for (int k = 0; k < K; k++)
            for (int row = p0; row < p1; row++) {
                const size_t plane = (size_t)n * K + k, windows = plane * (PQ / 4) + (size_t)(row / 2) * (Q / 2);
                bn_dx_row<false>(y_band + (size_t)k * ldy + (size_t)(row - p0) * Q, od + windows, dout + windows,
                                 ad + windows, dy + (size_t)k * columns + (size_t)(row - p0) * Q, Q / 2, 2 * (row % 2),
                                 cg[k]);
            }
    };
    bool accumulate_dx = true;
    float* dx = x.requires_grad() ? x.grad_to_write(accumulate_dx).data() : nullptr;
    float* db = conv_bias.defined() ? conv_bias.grad().data() : nullptr;
    conv2d_backward_fast(x.data(), conv_weight.data(), nullptr, dx, conv_weight.grad().data(), db, g, accumulate_dx,
                         dy_band);
}

// The convolution, with each band's moments taken while it is in cache; moments[(n * bands + band) * K + k].
// y null: y is not kept (conv_bn_relu_maxpool_recomputes_y).
std::vector<BandMoments> convolve_with_moments(const Conv2d& conv, const Tensor& x, float* y, const Conv2dGeometry& g) {
    const int rows = conv2d_fast_band_rows(g), bands = (g.P + rows - 1) / rows;
    std::vector<BandMoments> moments((size_t)g.N * bands * g.K);
    auto after_band = [&](int n, int p0, int p1, const float* y_band, int ldy) {
        BandMoments* mine = moments.data() + ((size_t)n * bands + p0 / rows) * g.K;
        for (int k = 0; k < g.K; k++) mine[k] = band_moments(y_band + (size_t)k * ldy, (p1 - p0) * g.Q);
    };
    conv2d_forward_fast(x.data(), conv.weight.data(), conv.bias.defined() ? conv.bias.data() : nullptr, y, g,
                        after_band);
    return moments;
}

// Per channel: the bands' moments merged in image and band order (merge_moments), then BatchNorm's map, saved
// statistics and running averages (batchnorm2d_train_channel_map).
std::vector<BatchNormChannelMap> batchnorm_statistics(const std::vector<BandMoments>& moments, BatchNorm2d& bn,
                                                      const Conv2dGeometry& g, Tensor& save_mean, Tensor& save_invstd) {
    const int K = g.K, rows = conv2d_fast_band_rows(g), bands = (g.P + rows - 1) / rows;
    std::vector<BatchNormChannelMap> maps(K);
    for (int k = 0; k < K; k++) {
        double count = 0;
        BandMoments channel{0, 0};
        for (int n = 0; n < g.N; n++)
            for (int band = 0; band < bands; band++) {
                const int band_rows = std::min(rows, g.P - band * rows);
                merge_moments(count, channel, (double)band_rows * g.Q, moments[((size_t)n * bands + band) * K + k]);
            }
        maps[k] = batchnorm2d_train_channel_map(channel.mean, channel.m2 / count, count, bn.weight.data(),
                                                bn.bias.data(), save_mean.data(), save_invstd.data(),
                                                bn.running_mean.data(), bn.running_var.data(), k, bn.eps, bn.momentum);
    }
    return maps;
}

// Normalise, rectify and pool: out, arg and xmax for every window, from y kept or (y null) computed again band by
// band, each band's rows of windows as soon as the band is there.
void normalise_and_pool(const Conv2d& conv, const Tensor& x, const float* y, const Conv2dGeometry& g,
                        const std::vector<BatchNormChannelMap>& maps, float* out, int32_t* arg, float* xmax) {
    const int K = g.K, PQ = g.P * g.Q, Q = g.Q;
    if (y) {
#pragma omp parallel for schedule(static) num_threads(num_threads()) if ((size_t)g.N * K * PQ > 65536)
        for (int k = 0; k < K; k++)
            for (int n = 0; n < g.N; n++) {
                const size_t plane = (size_t)n * K + k;
                bn_relu_maxpool_plane(y + plane * PQ, out + plane * (PQ / 4), arg + plane * (PQ / 4),
                                      xmax + plane * (PQ / 4), g.P, Q, maps[k]);
            }
        return;
    }
    auto pool_band = [&](int n, int p0, int p1, const float* y_band, int ldy) {
        for (int k = 0; k < K; k++) {
            const size_t windows = ((size_t)n * K + k) * (PQ / 4) + (size_t)(p0 / 2) * (Q / 2);
            bn_relu_maxpool_plane(y_band + (size_t)k * ldy, out + windows, arg + windows, xmax + windows, p1 - p0, Q,
                                  maps[k]);
        }
    };
    conv2d_forward_fast(x.data(), conv.weight.data(), conv.bias.defined() ? conv.bias.data() : nullptr, nullptr, g,
                        pool_band);
}

}  // namespace

Tensor conv_bn_relu_maxpool_forward(Conv2d& conv, BatchNorm2d& bn, const Tensor& x) {
    const Conv2dGeometry g = conv2d_geometry(x.shape(), conv.window());
    const int N = g.N, K = g.K;
    Tensor y, out({N, K, g.P / 2, g.Q / 2}), save_mean({K}), save_invstd({K});
    if (!conv_bn_relu_maxpool_recomputes_y(g)) y = Tensor({N, K, g.P, g.Q});
    float* yd = y.defined() ? y.data() : nullptr;
    const std::vector<BandMoments> moments = convolve_with_moments(conv, x, yd, g);
    const std::vector<BatchNormChannelMap> maps = batchnorm_statistics(moments, bn, g, save_mean, save_invstd);
    std::unique_ptr<int32_t[]> arg(new int32_t[out.numel()]);
    std::unique_ptr<float[]> xmax(new float[out.numel()]);
    normalise_and_pool(conv, x, yd, g, maps, out.data(), arg.get(), xmax.get());
    if (should_record({&x, &conv.weight, &conv.bias, &bn.weight, &bn.bias})) {
        auto node = std::make_unique<ConvBnReluMaxPoolNode>();
        node->x = x; node->conv_weight = conv.weight; node->conv_bias = conv.bias; node->y = y;
        node->bn_weight = bn.weight; node->bn_bias = bn.bias; node->out = out;
        node->save_mean = save_mean; node->save_invstd = save_invstd; node->g = g;
        node->arg = std::move(arg);
        node->xmax = std::move(xmax);
        out.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return out;
}

}  // namespace melgrad
