#include "framework/cpu/im2col.h"

#include <algorithm>
#include <cstring>

// 512-bit vectors where the CPU has them (GCC prefers 256 bits): see audio/fft.cpp
#if defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")
#endif

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

// "Same" convolutions with stride 1 (the output as wide as the input, Q == W: 3x3 with padding 1, as in the paper
// CNN): then output pixel i = (p - p0) * Q + q of the band reads input element (p0 + r - pad_h) * W + (s - pad_w) + i
// of the plane for tap (r, s): one row of col is a contiguous run of the plane, shifted. It is copied (or added)
// in one piece instead of one short piece per output row, and the entries that the shift wrapped into the
// neighbouring image row (columns q outside [lo, hi), valid_columns) are set to zero afterwards. Rows above and
// below the image fall outside the plane ([first, last) below), except where they are such wrapped columns.
static bool rows_are_contiguous(const Conv2dGeometry& g) { return g.stride_h == 1 && g.stride_w == 1 && g.Q == g.W; }

// For tap (r, s) of a contiguous band: the plane offset of the band's first pixel, and the band's pixels
// [first, last) whose offset lies inside the plane.
static inline void contiguous_run(const Conv2dGeometry& g, int p0, int r, int s, int columns, long& offset, int& first,
                                  int& last) {
    offset = (long)(p0 + r - g.pad_h) * g.W + (s - g.pad_w);
    first = (int)std::min<long>(columns, std::max<long>(0, -offset));
    last = (int)std::max<long>(first, std::min<long>(columns, (long)g.H * g.W - offset));
}

static void im2col_contiguous(const float* x, float* col, const Conv2dGeometry& g, int p0, int p1) {
    const int columns = (p1 - p0) * g.Q;
    for (int c = 0; c < g.C; c++)
        for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++) {
                float* row = col + (size_t)((c * g.R + r) * g.S + s) * columns;
                const float* xc = x + (size_t)c * g.H * g.W;
                long offset;
                int first, last, lo, hi;
                contiguous_run(g, p0, r, s, columns, offset, first, last);
                std::fill(row, row + first, 0.0f);
                std::memcpy(row + first, xc + offset + first, sizeof(float) * (last - first));
                std::fill(row + last, row + columns, 0.0f);
                valid_columns(g, s, lo, hi);
                for (int p = 0; p < p1 - p0; p++) {
                    for (int q = 0; q < lo; q++) row[p * g.Q + q] = 0.0f;
                    for (int q = hi; q < g.Q; q++) row[p * g.Q + q] = 0.0f;
                }
            }
}

static void col2im_add_contiguous(float* col, float* dx, const Conv2dGeometry& g, int p0, int p1) {
    const int columns = (p1 - p0) * g.Q;
    for (int c = 0; c < g.C; c++)
        for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++) {
                float* row = col + (size_t)((c * g.R + r) * g.S + s) * columns;
                float* dxc = dx + (size_t)c * g.H * g.W;
                long offset;
                int first, last, lo, hi;
                contiguous_run(g, p0, r, s, columns, offset, first, last);
                valid_columns(g, s, lo, hi);
                for (int p = 0; p < p1 - p0; p++) {  // the wrapped entries add nothing
                    for (int q = 0; q < lo; q++) row[p * g.Q + q] = 0.0f;
                    for (int q = hi; q < g.Q; q++) row[p * g.Q + q] = 0.0f;
                }
                float* target = dxc + offset;
#pragma omp simd
                for (int i = first; i < last; i++) target[i] += row[i];
            }
}

void im2col(const float* x, float* col, const Conv2dGeometry& g, int p0, int p1) {
    if (rows_are_contiguous(g)) return im2col_contiguous(x, col, g, p0, p1);
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

void col2im_add(float* col, float* dx, const Conv2dGeometry& g, int p0, int p1) {
    if (rows_are_contiguous(g)) return col2im_add_contiguous(col, dx, g, p0, p1);
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
