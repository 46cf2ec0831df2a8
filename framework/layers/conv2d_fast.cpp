// The fast CPU convolution: im2col + SGEMM (OpenBLAS), one image per OpenMP thread.
//
// Per image n (shapes as matrices):
//   forward:   col = im2col(x[n])            (C*R*S) x (P*Q)
//              y[n] = W · col + b             K x (P*Q)          W seen as K x (C*R*S); b rides in the GEMM
//   backward:  dW  += dy[n] · col^T           K x (C*R*S)   (or its transpose, whichever GEMM shape is faster)
//              db  += row sums of dy[n]
//              dcol = W^T · dy[n];  dx[n] += col2im(dcol)
// Images are cut into bands of output rows, at most kBandColumns = 512 output pixels each, and each band is
// one im2col and one set of GEMMs (dW adds up the bands). A band's col then stays in the core's L2 cache (2 MB on
// the Xeon measured below, 1 MB on Zen 4) from im2col writing it to the GEMMs reading it: 20 KB for the paper
// CNN's first layer, 0.3-0.6 MB for the others, where a whole 64x64 image's col is 2.4 MB. Measured on the paper
// CNN, batch 32, one thread of a 2-core Xeon VM (AVX-512, family 6 model 167), cpu ms per step: 4096 columns 202,
// 768 191, 512 190, 384 194-201. (With its AVX-512 kernels OpenBLAS is also 2-4x slower on the first layer,
// 16 x 16384 outputs from 10 rows of col, as one GEMM than cut into bands.)
// A layer fused after the convolution can work on each band while it is in cache: the after_band and dy_band
// hooks (conv2d.h; framework/layers/conv_bn_relu_maxpool.h uses them).
// Images are handed to threads dynamically (a thread slowed down by another program on the machine does not
// hold the others up). dW and db are not summed per thread, whose share of images varies, but per image
// into their own buffers, and then added in image order: the result has the same bits for any thread
// count and any scheduling. Inside the parallel region OpenBLAS (OpenMP build) runs each GEMM on the calling
// thread. Buffers come from thread_scratch() (framework/cpu/scratch.h): nothing is allocated per image.
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "framework/backend.h"
#include "framework/cpu/im2col.h"
#include "framework/cpu/panel_gemm.h"
#include "framework/cpu/scratch.h"
#include "framework/layers/conv2d.h"

// 512-bit vectors where the CPU has them: see conv_bn_relu_maxpool_fast.cpp
#if defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")
#endif

namespace melgrad {

// Below this much work (multiply-adds) one thread is faster than starting a parallel region.
static bool big_enough_for_threads(const Conv2dGeometry& g) {
    return g.N > 1 && (double)g.N * g.K * g.P * g.Q * g.C * g.R * g.S > 2e6;
}

// The bias rides along in the GEMMs: col gets one extra row of ones (J = C*R*S + 1 rows), W one extra column
// holding the bias. Then  [W | b] · [col; 1] = W · col + b  in the forward GEMM, and in the backward GEMM the
// extra row gives  dy · 1 = the row sums of dy = db  for free. Two passes over y and dy fewer per layer.
static void ones_row(float* col, int row, int columns) {
    float* r = col + (size_t)row * columns;
    for (int i = 0; i < columns; i++) r[i] = 1.0f;
}

// Output rows per band: as many as fit in kBandColumns output pixels (at least one). Depends on the geometry
// only, so every thread count cuts the same bands and adds the same numbers in the same order.
static constexpr int kBandColumns = 512;
int conv2d_fast_band_rows(const Conv2dGeometry& g) { return g.Q >= kBandColumns ? 1 : kBandColumns / g.Q; }

// panel_gemm (framework/cpu/panel_gemm.h) instead of cblas_sgemm for an M x N product with inner size `inner`
// (J for the forward product, the output channels K for dcol): where it runs (a build for AVX-512; M a multiple of
// 8, N of 32) and the inner size is not tiny (the first layer's forward has J = 10: OpenBLAS's small-matrix kernel
// is faster there). Measured per product on the paper CNN's shapes, one core, each product 2000 times on the same
// operands (a small harness, not in the repository; OpenBLAS's figure includes its packing and zeroing), GFLOP/s
// OpenBLAS -> panel_gemm: forward 104 -> 141, 132 -> 133, 134 -> 163; dcol 105 -> 137, 135 -> 134, 142 -> 141;
// first layer 118 -> 94.
static bool use_panel_gemm(int M, int N, int inner) { return inner >= 16 && panel_gemm_fits(M, N); }

ConvBandWeights conv2d_band_weights(const float* w, const float* b, const Conv2dGeometry& g) {
    ConvBandWeights weights;
    const int CRS = g.C * g.R * g.S;
    weights.J = CRS + (b ? 1 : 0);
    weights.bias = b != nullptr;
    weights.w_ext.resize((size_t)g.K * weights.J);  // [W | b], K x J
    for (int k = 0; k < g.K; k++) {
        for (int j = 0; j < CRS; j++) weights.w_ext[(size_t)k * weights.J + j] = w[(size_t)k * CRS + j];
        if (b) weights.w_ext[(size_t)k * weights.J + CRS] = b[k];
    }
    if (use_panel_gemm(g.K, 32, weights.J))
        weights.panels = pack_panels(weights.w_ext.data(), g.K, weights.J, weights.J, 1);
    return weights;
}

void conv2d_forward_band(const float* x_image, const ConvBandWeights& weights, float* y_band, int ldy,
                         const Conv2dGeometry& g, int p0, int p1, float* col) {
    const int CRS = g.C * g.R * g.S, J = weights.J, columns = (p1 - p0) * g.Q;
    im2col(x_image, col, g, p0, p1);
    if (weights.bias) ones_row(col, CRS, columns);
    // y_band = [W | b] · [col; 1]   (K x columns, rows ldy apart)
    if (!weights.panels.empty() && panel_gemm_fits(g.K, columns))
        panel_gemm(weights.panels.data(), g.K, J, col, columns, y_band, ldy, columns);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g.K, columns, J, 1.0f, weights.w_ext.data(), J, col,
                    columns, 0.0f, y_band, ldy);
}

void conv2d_forward_fast(const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g,
                         const ConvBandHook& after_band) {
    const int PQ = g.P * g.Q, J = g.C * g.R * g.S + (b ? 1 : 0), rows = conv2d_fast_band_rows(g);
    const size_t x_stride = (size_t)g.C * g.H * g.W, y_stride = (size_t)g.K * PQ;
    const ConvBandWeights weights = conv2d_band_weights(w, b, g);
#pragma omp parallel num_threads(num_threads()) if (big_enough_for_threads(g))
    {
        const size_t band_size = (size_t)std::min(rows, g.P) * g.Q;
        float* col = thread_scratch(0, (size_t)J * band_size);
        float* y_scratch = y ? nullptr : thread_scratch(1, (size_t)g.K * band_size);  // y not kept: one band here
#pragma omp for schedule(dynamic, 1)
        for (int n = 0; n < g.N; n++) {
            for (int p0 = 0; p0 < g.P; p0 += rows) {
                const int p1 = std::min(g.P, p0 + rows), columns = (p1 - p0) * g.Q;
                float* y_band = y ? y + n * y_stride + (size_t)p0 * g.Q : y_scratch;
                const int ldy = y ? PQ : columns;
                conv2d_forward_band(x + n * x_stride, weights, y_band, ldy, g, p0, p1, col);
                if (after_band) after_band(n, p0, p1, y_band, ldy);
            }
        }
    }
}

void conv2d_backward_fast(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                          const Conv2dGeometry& g, bool accumulate_dx, const ConvDyBand& dy_band) {
    const int CRS = g.C * g.R * g.S, PQ = g.P * g.Q, J = CRS + (db ? 1 : 0), rows = conv2d_fast_band_rows(g);
    const size_t x_stride = (size_t)g.C * g.H * g.W, y_stride = (size_t)g.K * PQ, part_size = (size_t)g.K * J;
    // One [dW | db] per image, summed in image order after the parallel loop (see the top of the file).
    std::unique_ptr<float[]> parts(new float[(size_t)g.N * part_size]);
    const bool transposed = J >= g.K;  // the parts hold [dW | db]^T (see the GEMM below)
    // Where element (k, j) of [dW | db] lives: column j < C*R*S is dW's, the last one db's.
    auto target = [&](int k, int j) -> float& { return j < CRS ? dw[(size_t)k * CRS + j] : db[k]; };
    // W^T (C*R*S x K) packed for panel_gemm, where it runs: W read down its columns (element (m, k) = w[k*CRS + m])
    const std::vector<float> wt_panels = dx && use_panel_gemm(CRS, 32, g.K) ? pack_panels(w, CRS, g.K, 1, CRS)
                                                                             : std::vector<float>();
#pragma omp parallel num_threads(num_threads()) if (big_enough_for_threads(g))
    {
        const size_t band_size = (size_t)std::min(rows, g.P) * g.Q;
        float* col = thread_scratch(0, (size_t)J * band_size);
        float* dcol = dx ? thread_scratch(1, (size_t)CRS * band_size) : nullptr;
        float* dy_scratch = dy_band ? thread_scratch(3, (size_t)g.K * band_size) : nullptr;
#pragma omp for schedule(dynamic, 1)
        for (int n = 0; n < g.N; n++) {
            float* part = parts.get() + n * part_size;
            // A fresh dx is zeroed image by image, right before col2im adds into it: the image is then in
            // cache, and the zeros cost no separate pass over the whole tensor.
            if (dx && !accumulate_dx) std::memset(dx + n * x_stride, 0, sizeof(float) * x_stride);
            for (int p0 = 0; p0 < g.P; p0 += rows) {
                const int p1 = std::min(g.P, p0 + rows), columns = (p1 - p0) * g.Q;
                // dy[n][:, band]: rows PQ apart in dy, or written here by dy_band, rows `columns` apart
                const float* dyn = dy_band ? dy_scratch : dy + n * y_stride + (size_t)p0 * g.Q;
                const int ldy = dy_band ? columns : PQ;
                if (dy_band) dy_band(n, p0, p1, dy_scratch);
                const float beta = p0 == 0 ? 0.0f : 1.0f;                   // the first band writes, the others add
                im2col(x + n * x_stride, col, g, p0, p1);
                if (db) ones_row(col, CRS, columns);
                // This image's [dW | db] += dy[n][:, band] · [col; 1]^T. OpenBLAS is faster when the taller side
                // of the output is M, so with more rows J than channels K it computes the transpose
                // [col; 1] · dy^T (J x K) instead. Same numbers either way; measured 1.2-1.4x on those GEMMs.
                if (transposed)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, J, g.K, columns, 1.0f, col, columns, dyn,
                                ldy, beta, part, g.K);
                else
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g.K, J, columns, 1.0f, dyn, ldy, col,
                                columns, beta, part, J);
                if (dx) {  // dcol = W^T · dy[n][:, band]
                    if (!wt_panels.empty() && panel_gemm_fits(CRS, columns))
                        panel_gemm(wt_panels.data(), CRS, g.K, dyn, ldy, dcol, columns, columns);
                    else
                        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, CRS, columns, g.K, 1.0f, w, CRS, dyn, ldy,
                                    0.0f, dcol, columns);
                    col2im_add(dcol, dx + n * x_stride, g, p0, p1);
                }
            }
        }
        // [dW | db] += sum over images, in image order for every element (the same bits for any thread count),
        // transposing back when the parts are transposed.
        if (transposed) {
            float* acc = thread_scratch(2, g.K);
#pragma omp for schedule(static)
            for (int j = 0; j < J; j++) {
                for (int k = 0; k < g.K; k++) acc[k] = target(k, j);
                for (int n = 0; n < g.N; n++) {
                    const float* part = parts.get() + n * part_size + (size_t)j * g.K;
#pragma omp simd
                    for (int k = 0; k < g.K; k++) acc[k] += part[k];
                }
                for (int k = 0; k < g.K; k++) target(k, j) = acc[k];
            }
        } else {
#pragma omp for schedule(static)
            for (int k = 0; k < g.K; k++)
                for (int j = 0; j < J; j++) {
                    float sum = target(k, j);
                    for (int n = 0; n < g.N; n++) sum += parts[n * part_size + (size_t)k * J + j];
                    target(k, j) = sum;
                }
        }
    }
}

}  // namespace melgrad
