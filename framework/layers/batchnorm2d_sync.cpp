// Synchronised BatchNorm (--sync-bn) on the CPU: batchnorm2d_forward_train_cpu and batchnorm2d_backward_cpu
// with every per-channel sum taken over the whole global batch, all ranks together.
//
// Why: each rank holds only its shard of the batch. Normalising with the shard's own mean and variance (the
// default, as PyTorch's DDP does) trains a slightly different model than one process with the whole batch
// would. Summing the statistics across ranks makes the two the same, up to the order floats are added in.
// The one-pass loops of batchnorm2d.cpp cannot stop in the middle for the other ranks, so here each sum is a
// pass of its own, followed by an all-reduce:
//   forward:  sum x, count        -> all-reduce -> mean
//             sum (x - mean)^2    -> all-reduce -> var, invstd, running statistics
//             y = x * gamma * invstd + (beta - mean * gamma * invstd)
//   backward: sum dy, sum dy*xhat -> all-reduce -> dx with the global means (m = the global count)
//             dgamma, dbeta get this rank's sums only: the gradient all-reduce adds the ranks up later.
// Every sum runs in double, as in batchnorm2d.cpp, so N ranks differ from one process only in the last bits.
#include <cmath>
#include <vector>

#include "framework/distributed/communicator.h"
#include "framework/layers/batchnorm2d.h"

namespace melgrad {

namespace {

// sum over (n, i) of f(x[n][c][i]) for every channel c, in double; out[c] = that sum.
template <class F> void channel_sums(const float* x, int N, int C, int HW, double* out, F f) {
#pragma omp parallel for schedule(static) if ((size_t)N * C * HW > 65536)
    for (int c = 0; c < C; c++) {
        double sum = 0;
        for (int n = 0; n < N; n++) {
            const float* xc = x + ((size_t)n * C + c) * HW;
            for (int i = 0; i < HW; i++) sum += f(xc[i], c);
        }
        out[c] = sum;
    }
}

}  // namespace

void batchnorm2d_forward_train_synced_cpu(distributed::Communicator& comm, const float* x, const float* gamma,
                                          const float* beta, float* y, float* save_mean, float* save_invstd,
                                          float* running_mean, float* running_var, int N, int C, int HW, float eps,
                                          float momentum) {
    std::vector<double> sums(C + 1), mean(C), sq(C);
    channel_sums(x, N, C, HW, sums.data(), [](float v, int) { return (double)v; });
    sums[C] = (double)N * HW;  // the global count m: ranks may hold different numbers of samples
    comm.all_reduce_sum(sums.data(), sums.size());
    const double m = sums[C];
    for (int c = 0; c < C; c++) mean[c] = sums[c] / m;
    channel_sums(x, N, C, HW, sq.data(), [&](float v, int c) { double d = v - mean[c]; return d * d; });
    comm.all_reduce_sum(sq.data(), sq.size());
    for (int c = 0; c < C; c++) {
        const double var = sq[c] / m;
        const float invstd = (float)(1.0 / std::sqrt(var + eps));
        save_mean[c] = (float)mean[c];
        save_invstd[c] = invstd;
        running_mean[c] = (1 - momentum) * running_mean[c] + momentum * (float)mean[c];
        running_var[c] = (1 - momentum) * running_var[c] + momentum * (float)(m > 1 ? var * m / (m - 1) : var);
        const float scale = gamma[c] * invstd, shift = beta[c] - (float)mean[c] * scale;
        for (int n = 0; n < N; n++) {
            const float* xc = x + ((size_t)n * C + c) * HW;
            float* yc = y + ((size_t)n * C + c) * HW;
            for (int i = 0; i < HW; i++) yc[i] = xc[i] * scale + shift;
        }
    }
}

void batchnorm2d_backward_synced_cpu(distributed::Communicator& comm, const float* x, const float* gamma,
                                     const float* save_mean, const float* save_invstd, const float* dy, float* dx,
                                     float* dgamma, float* dbeta, int N, int C, int HW, bool accumulate) {
    // sums = [sum dy (C) | sum dy * xhat (C) | m]; dy and x side by side, so both sums walk dy's channel
    std::vector<double> sums(2 * C + 1);
#pragma omp parallel for schedule(static) if ((size_t)N * C * HW > 65536)
    for (int c = 0; c < C; c++) {
        double sum_dy = 0, sum_dy_xhat = 0;
        for (int n = 0; n < N; n++) {
            const float* xc = x + ((size_t)n * C + c) * HW;
            const float* dyc = dy + ((size_t)n * C + c) * HW;
            for (int i = 0; i < HW; i++) {
                sum_dy += dyc[i];
                sum_dy_xhat += (double)dyc[i] * ((xc[i] - save_mean[c]) * save_invstd[c]);
            }
        }
        sums[c] = sum_dy;
        sums[C + c] = sum_dy_xhat;
        dbeta[c] += (float)sum_dy;  // this rank's share; the gradient all-reduce adds the others'
        dgamma[c] += (float)sum_dy_xhat;
    }
    sums[2 * C] = (double)N * HW;
    comm.all_reduce_sum(sums.data(), sums.size());
    if (!dx) return;
    const double m = sums[2 * C];
    for (int c = 0; c < C; c++) {
        const float mean = save_mean[c], invstd = save_invstd[c], k = gamma[c] * invstd;
        const float mean_dy = (float)(sums[c] / m), mean_dy_xhat = (float)(sums[C + c] / m);
        for (int n = 0; n < N; n++) {
            const float* xc = x + ((size_t)n * C + c) * HW;
            const float* dyc = dy + ((size_t)n * C + c) * HW;
            float* dxc = dx + ((size_t)n * C + c) * HW;
            for (int i = 0; i < HW; i++) {
                const float v = k * (dyc[i] - mean_dy - ((xc[i] - mean) * invstd) * mean_dy_xhat);
                dxc[i] = accumulate ? dxc[i] + v : v;
            }
        }
    }
}

}  // namespace melgrad
