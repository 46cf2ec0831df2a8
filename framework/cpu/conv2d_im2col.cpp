// The fast CPU convolution: im2col + SGEMM (OpenBLAS), one image per OpenMP thread.
//
// Per image n (shapes as matrices):
//   forward:   col = im2col(x[n])            (C*R*S) x (P*Q)
//              y[n] = W · col + b             K x (P*Q)          W seen as K x (C*R*S)
//   backward:  dW  += dy[n] · col^T           K x (C*R*S)
//              db  += row sums of dy[n]
//              dcol = W^T · dy[n];  dx[n] += col2im(dcol)
// Images are split statically across threads; each thread accumulates dW and db privately and the private
// sums are added in thread order at the end, so a given thread count always gives the same bits.
// Inside the parallel region OpenBLAS (OpenMP build) runs each GEMM on the calling thread.
#include <cblas.h>
#include <omp.h>

#include <vector>

#include "framework/backend.h"
#include "framework/cpu/im2col.h"
#include "framework/layers/conv2d.h"

namespace melgrad {

void conv2d_forward_fast(const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g) {
    const int CRS = g.C * g.R * g.S, PQ = g.P * g.Q;
    const size_t x_stride = (size_t)g.C * g.H * g.W, y_stride = (size_t)g.K * PQ;
#pragma omp parallel num_threads(num_threads())
    {
        std::vector<float> col((size_t)CRS * PQ);
#pragma omp for schedule(static)
        for (int n = 0; n < g.N; n++) {
            im2col(x + n * x_stride, col.data(), g);
            float* yn = y + n * y_stride;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g.K, PQ, CRS, 1.0f, w, CRS, col.data(), PQ, 0.0f,
                        yn, PQ);
            if (b)
                for (int k = 0; k < g.K; k++)
                    for (int i = 0; i < PQ; i++) yn[(size_t)k * PQ + i] += b[k];
        }
    }
}

void conv2d_backward_fast(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                          const Conv2dGeometry& g) {
    const int CRS = g.C * g.R * g.S, PQ = g.P * g.Q;
    const size_t x_stride = (size_t)g.C * g.H * g.W, y_stride = (size_t)g.K * PQ;
    const int T = num_threads();
    std::vector<std::vector<float>> dw_t(T), db_t(T);
#pragma omp parallel num_threads(T)
    {
        const int t = omp_get_thread_num();
        std::vector<float>& my_dw = dw_t[t];
        std::vector<float>& my_db = db_t[t];
        my_dw.assign((size_t)g.K * CRS, 0.0f);
        my_db.assign(g.K, 0.0f);
        std::vector<float> col((size_t)CRS * PQ), dcol(dx ? (size_t)CRS * PQ : 0);
#pragma omp for schedule(static)
        for (int n = 0; n < g.N; n++) {
            const float* dyn = dy + n * y_stride;
            im2col(x + n * x_stride, col.data(), g);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g.K, CRS, PQ, 1.0f, dyn, PQ, col.data(), PQ, 1.0f,
                        my_dw.data(), CRS);
            for (int k = 0; k < g.K; k++) {
                float s = 0;
                for (int i = 0; i < PQ; i++) s += dyn[(size_t)k * PQ + i];
                my_db[k] += s;
            }
            if (dx) {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, CRS, PQ, g.K, 1.0f, w, CRS, dyn, PQ, 0.0f,
                            dcol.data(), PQ);
                col2im_add(dcol.data(), dx + n * x_stride, g);
            }
        }
    }
    for (int t = 0; t < T; t++) {  // fixed order: reproducible sums
        if (dw_t[t].empty()) continue;
        for (size_t j = 0; j < dw_t[t].size(); j++) dw[j] += dw_t[t][j];
        if (db)
            for (int k = 0; k < g.K; k++) db[k] += db_t[t][k];
    }
}

}  // namespace melgrad
