// The loops of the fused BatchNorm2d -> ReLU -> MaxPool2d(2) (bn_relu_maxpool.h), one plane or one row at a time,
// shared by its two users: the block after any layer (bn_relu_maxpool_fast.cpp) and the block fused with the
// convolution before it (conv_bn_relu_maxpool_fast.cpp). Inline: they are the inner loops.
//
// Each `#pragma omp simd` loop is written so that GCC vectorises it: loads are unconditional (a load under a
// condition keeps GCC from vectorising) and choices are selects (a ? b : c), not branches.
#pragma once
#include <cstddef>
#include <cstdint>

#include "framework/layers/batchnorm2d.h"

namespace melgrad {

// One (n, c) plane: out[p][q] = the first maximum of relu(x * scale + shift) over the window rows 2p, 2p+1 and
// columns 2q, 2q+1; arg[p][q] = its place in the window (0, 1 top row; 2, 3 bottom row), xmax[p][q] = the input x
// there (the backward's BatchNorm sums need x only at the windows' maxima). The same selects as
// maxpool2x2_plane in framework/layers/pool2d.cpp.
inline void bn_relu_maxpool_plane(const float* xp, float* op, int32_t* ap, float* xmp, int H, int W, BatchNormChannelMap map) {
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

// One plane's share of BatchNorm's sums of dy and dy * xhat. dy (the gradient at BatchNorm's output) is nonzero
// only at a window's maximum, where it is dout if the block's output there is positive (ReLU let it through), so
// the sums need only the windows: dout, out and the input at the maximum (xmax, saved by the forward). Summed in
// float along the plane (that vectorises), the planes then in double, as batchnorm2d_backward_cpu sums.
inline void add_bn_window_sums(const float* xmax, const float* out, const float* dout, int PQ, float mean, float invstd,
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

struct BatchNormChannelGradient {
    float mean, invstd, k, mean_dy, mean_dy_xhat;
};

// The per-window tensors of one fused block's output (N x C planes of windows_per_plane windows each).
struct BnWindows {
    const float *xmax, *out, *dout;
    int N, C, windows_per_plane;
};

// Channel c's share of BatchNorm's backward, from its windows (add_bn_window_sums over the N planes): adds sum(dy)
// to dbeta[c] and sum(dy * xhat) to dgamma[c], and returns what bn_dx_row needs for the channel. In training the
// means divide by m, the channel's count before pooling; in evaluation mean and variance are constants (0).
inline BatchNormChannelGradient bn_channel_gradient(const BnWindows& w, int c, const float* save_mean,
                                                    const float* save_invstd, const float* gamma, float* dgamma,
                                                    float* dbeta, double m, bool training) {
    const float mean = save_mean[c], invstd = save_invstd[c];
    double sum_dy = 0, sum_dy_xhat = 0;
    for (int n = 0; n < w.N; n++) {
        const size_t windows = ((size_t)n * w.C + c) * w.windows_per_plane;
        add_bn_window_sums(w.xmax + windows, w.out + windows, w.dout + windows, w.windows_per_plane, mean, invstd,
                           sum_dy, sum_dy_xhat);
    }
    dbeta[c] += (float)sum_dy;
    dgamma[c] += (float)sum_dy_xhat;
    return {mean, invstd, gamma[c] * invstd, training ? (float)(sum_dy / m) : 0.0f,
            training ? (float)(sum_dy_xhat / m) : 0.0f};
}

// BatchNorm's dx = k * (dy - mean_dy - xhat * mean_dy_xhat) for one row of x, written window by window: each window
// of the row gives its two inputs' gradients, dy being the window's gradient at its maximum (place arg) and 0 at
// the other places. `bottom` is 2 on a window's second row (its places are 2 and 3), else 0.
template <bool Accumulate>
inline void bn_dx_row(const float* xr, const float* orow, const float* drow, const int32_t* arow, float* dxr, int Q, int bottom,
            BatchNormChannelGradient cg) {
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

}  // namespace melgrad
