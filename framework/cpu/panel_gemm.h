// A small GEMM for the fast convolution's two "wide" products, C = A · B with B read where it lies:
//   forward        y_band (K x columns)   = [W | b] (K x J)   · [col; 1] (J x columns)
//   input gradient dcol   (C*R*S x columns) = W^T (C*R*S x K) · dy_band (K x columns)
// OpenBLAS's cblas_sgemm copies ("packs") both operands into its own layout before its kernel runs and, for
// beta = 0, first zeroes C. Here B is a band that im2col (or the fused block) has just written and that is still in
// the core's cache, and A is the layer's weights, the same for every band: so A is packed once per layer call, B
// is read in place, and C is written once. On the paper CNN those copies and the zeroing were about a tenth of a
// training step (chapter 12).
//
// The kernel computes an 8 x 32 tile of C in 16 vector registers (8 rows x two 16-float AVX-512 vectors): for each
// k it loads 32 floats of B's row k and broadcasts the 8 values of A's column k, 16 fused multiply-adds. A (M x K,
// K the inner size) is packed as panels of 8 rows, each column by column:
//   packed[m0 * K + k * 8 + r] = A[m0 + r][k]      (m0 = 0, 8, 16, ...: the panel's first row)
// so those 8 values are adjacent. The tiles go strip by strip: for each 32 columns of B (K x 32 floats, read from
// L1/L2 by every panel in turn), every panel of A. Only in a build for AVX-512 (-march=native on such a CPU) and
// where the shape fits (M a multiple of 8, N of 32); otherwise panel_gemm_fits() says no and the caller uses
// cblas_sgemm. The sums are in another order than OpenBLAS's: the
// same numbers up to float rounding (tests/framework/test_panel_gemm.cpp).
#pragma once
#include <vector>

namespace melgrad {

// Whether panel_gemm runs here for an M x N product (AVX-512 build, M % 8 == 0, N % 32 == 0).
bool panel_gemm_fits(int M, int N);

// A (M x K; element (m, k) at a[m * row_stride + k * col_stride], so that W^T is packed from W without a copy)
// as panels of 8 rows for panel_gemm. M must be a multiple of 8.
std::vector<float> pack_panels(const float* a, int M, int K, int row_stride, int col_stride);

// C (M x N, rows ldc apart) = A · B, A packed by pack_panels (M x K), B (K x N, rows ldb apart). C is written, not
// added to. Requires panel_gemm_fits(M, N).
void panel_gemm(const float* packed_a, int M, int K, const float* b, int ldb, float* c, int ldc, int N);

}  // namespace melgrad
