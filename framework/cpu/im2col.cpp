#include "framework/cpu/im2col.h"

#include <algorithm>
#include <cstring>

namespace melgrad {

// The output columns q whose input column w = q*stride_w - pad_w + s lies inside the image: [lo, hi).
// Outside that range im2col writes zeros (padding) and col2im adds nothing, so the inner loops need no test.
static inline void valid_columns(const Conv2dGeometry& g, int s, int& lo, int& hi) {
    // w >= 0  <=>  q >= (pad_w - s) / stride_w, rounded up;   w <= W - 1  <=>  q <= (W - 1 + pad_w - s) / stride_w
    int first = g.pad_w - s, last = g.W - 1 + g.pad_w - s;
    lo = first <= 0 ? 0 : (first + g.stride_w - 1) / g.stride_w;
    hi = last < 0 ? 0 : std::min(g.Q, last / g.stride_w + 1);
    if (lo > hi) lo = hi;
}

void im2col(const float* x, float* col, const Conv2dGeometry& g, int p0, int p1) {
    const int PQ = (p1 - p0) * g.Q;  // columns in this band
    for (int c = 0; c < g.C; c++)
        for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++) {
                float* row = col + (size_t)((c * g.R + r) * g.S + s) * PQ;
                const float* xc = x + (size_t)c * g.H * g.W;
                int lo, hi;
                valid_columns(g, s, lo, hi);
                for (int p = p0; p < p1; p++) {
                    int h = p * g.stride_h - g.pad_h + r;
                    float* out = row + (p - p0) * g.Q;
                    if (h < 0 || h >= g.H) { std::memset(out, 0, sizeof(float) * g.Q); continue; }
                    const float* xrow = xc + (size_t)h * g.W + (s - g.pad_w);  // xrow[q * stride_w] = x[h][w]
                    for (int q = 0; q < lo; q++) out[q] = 0.0f;
                    if (g.stride_w == 1) std::memcpy(out + lo, xrow + lo, sizeof(float) * (hi - lo));
                    else
                        for (int q = lo; q < hi; q++) out[q] = xrow[q * g.stride_w];
                    for (int q = hi; q < g.Q; q++) out[q] = 0.0f;
                }
            }
}

void col2im_add(const float* col, float* dx, const Conv2dGeometry& g, int p0, int p1) {
    const int PQ = (p1 - p0) * g.Q;  // columns in this band
    for (int c = 0; c < g.C; c++)
        for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++) {
                const float* row = col + (size_t)((c * g.R + r) * g.S + s) * PQ;
                float* dxc = dx + (size_t)c * g.H * g.W;
                int lo, hi;
                valid_columns(g, s, lo, hi);
                for (int p = p0; p < p1; p++) {
                    int h = p * g.stride_h - g.pad_h + r;
                    if (h < 0 || h >= g.H) continue;
                    float* dxrow = dxc + (size_t)h * g.W + (s - g.pad_w);
                    const float* in = row + (p - p0) * g.Q;
                    if (g.stride_w == 1) {
#pragma omp simd
                        for (int q = lo; q < hi; q++) dxrow[q] += in[q];
                    } else {
                        for (int q = lo; q < hi; q++) dxrow[q * g.stride_w] += in[q];
                    }
                }
            }
}

}  // namespace melgrad
