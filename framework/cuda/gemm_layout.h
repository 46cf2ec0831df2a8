// Linear's three matrix products as column-major GEMM calls (cuBLAS's convention). Plain C++, so the CPU
// tests can run the very same calls through a small column-major GEMM and compare with the layer's
// reference loops (tests/cuda/test_cuda_index_math.cpp).
//
// THE ROW-MAJOR / COLUMN-MAJOR MAPPING (the one place it is explained):
// melgrad stores a matrix M (r x c) row-major: element (i, j) at i*c + j. cuBLAS reads a buffer column-major:
// element (i, j) at i + j*ld. So the buffer of a row-major r x c matrix M, read by cuBLAS with ld = c, *is*
// the column-major c x r matrix M^T - no copy needed. We therefore compute the transpose of each product:
//
//   forward    y = x W^T         (N x out)   ->  y^T  = W  x^T     cuBLAS sees W as W^T (in x out, ld in):
//              C[out x N] = op_T(w)[out x in] * x[in x N]            gemm(T, N, m=out, n=N,  k=in)
//   weight     dW += dy^T x      (out x in)  ->  dW^T = x^T dy     cuBLAS sees x (in x N), dy (out x N):
//              C[in x out] = x[in x N] * op_T(dy)[N x out]          gemm(N, T, m=in,  n=out, k=N)
//   input      dx += dy W        (N x in)    ->  dx^T = W^T dy^T   cuBLAS sees w (in x out), dy (out x N):
//              C[in x N] = w[in x out] * dy[out x N]                gemm(N, N, m=in,  n=N,  k=out)
// beta = 1 in the backward products: gradients accumulate (+=), as everywhere in melgrad.
#pragma once

namespace melgrad::cuda {

enum class GemmOperand { X, W, DY };  // which buffer plays A or B

struct GemmCall {
    bool trans_a, trans_b;
    int m, n, k;
    GemmOperand a, b;
    int lda, ldb, ldc;
    float beta;  // alpha is always 1
};

inline GemmCall linear_forward_gemm(int N, int in, int out, bool has_bias) {
    // With a bias, y is first filled with the bias rows, then y = 1 * x W^T + 1 * y.
    return {true, false, out, N, in, GemmOperand::W, GemmOperand::X, in, in, out, has_bias ? 1.0f : 0.0f};
}
inline GemmCall linear_weight_grad_gemm(int N, int in, int out) {
    return {false, true, in, out, N, GemmOperand::X, GemmOperand::DY, in, out, in, 1.0f};
}
inline GemmCall linear_input_grad_gemm(int N, int in, int out) {
    return {false, false, in, N, out, GemmOperand::W, GemmOperand::DY, in, out, in, 1.0f};
}

}  // namespace melgrad::cuda
