#include "framework/cpu/im2col.h"

#include <cstring>

namespace melgrad {

void im2col(const float* x, float* col, const Conv2dGeometry& g) {
    const int PQ = g.P * g.Q;
    for (int c = 0; c < g.C; c++)
        for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++) {
                float* row = col + (size_t)((c * g.R + r) * g.S + s) * PQ;
                const float* xc = x + (size_t)c * g.H * g.W;
                for (int p = 0; p < g.P; p++) {
                    int h = p * g.stride_h - g.pad_h + r;
                    float* out = row + p * g.Q;
                    if (h < 0 || h >= g.H) { std::memset(out, 0, sizeof(float) * g.Q); continue; }
                    const float* xrow = xc + (size_t)h * g.W;
                    for (int q = 0; q < g.Q; q++) {
                        int w = q * g.stride_w - g.pad_w + s;
                        out[q] = (w >= 0 && w < g.W) ? xrow[w] : 0.0f;
                    }
                }
            }
}

void col2im_add(const float* col, float* dx, const Conv2dGeometry& g) {
    const int PQ = g.P * g.Q;
    for (int c = 0; c < g.C; c++)
        for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++) {
                const float* row = col + (size_t)((c * g.R + r) * g.S + s) * PQ;
                float* dxc = dx + (size_t)c * g.H * g.W;
                for (int p = 0; p < g.P; p++) {
                    int h = p * g.stride_h - g.pad_h + r;
                    if (h < 0 || h >= g.H) continue;
                    float* dxrow = dxc + (size_t)h * g.W;
                    const float* in = row + p * g.Q;
                    for (int q = 0; q < g.Q; q++) {
                        int w = q * g.stride_w - g.pad_w + s;
                        if (w >= 0 && w < g.W) dxrow[w] += in[q];
                    }
                }
            }
}

}  // namespace melgrad
