// The fast CPU Linear: three SGEMMs (OpenBLAS, multithreaded by OpenBLAS itself).
//   y  = x · W^T (+ b)     (N x in) · (in x out)
//   dW += dy^T · x         (out x N) · (N x in)
//   dx += dy · W           (N x out) · (out x in)
#include <cblas.h>

#include "framework/layers/linear.h"

namespace melgrad {

void linear_forward_fast(const float* x, const float* w, const float* b, float* y, int N, int in, int out) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
    if (b)
        for (int n = 0; n < N; n++)
            for (int o = 0; o < out; o++) y[(size_t)n * out + o] += b[o];
}

void linear_backward_fast(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, int N,
                          int in, int out) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, N, 1.0f, dy, out, x, in, 1.0f, dw, in);
    if (dx) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, in, out, 1.0f, dy, out, w, in, 1.0f, dx, in);
    if (db)
        for (int n = 0; n < N; n++)
            for (int o = 0; o < out; o++) db[o] += dy[(size_t)n * out + o];
}

}  // namespace melgrad
