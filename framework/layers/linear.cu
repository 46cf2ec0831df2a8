// Linear on cuBLAS: three GEMMs (cublasGemmEx, float32 in and out). The row-major / column-major mapping
// of each product is explained once, in framework/cuda/gemm_layout.h, and the calls below are built from
// the GemmCall structs defined there (the CPU tests run the same structs through a column-major GEMM).
//
// Compute type: CUBLAS_COMPUTE_32F (true float32) unless set_tf32(true), then CUBLAS_COMPUTE_32F_FAST_TF32.
// cuBLAS gets a fixed workspace of its own (cublasSetWorkspace) so that it never allocates during a CUDA
// graph capture, and runs on melgrad's one stream.
// Bias: y is filled with the bias rows first and the GEMM adds x W^T to it (beta = 1); db is a per-column
// sum of dy (channel_sum_add with HW = 1: deterministic).
#include <cublas_v2.h>

#include "framework/cuda/bias.h"
#include "framework/cuda/check.h"
#include "framework/cuda/config.h"
#include "framework/cuda/gemm_layout.h"
#include "framework/cuda/memory.h"
#include "framework/layers/linear.h"

#define CUBLAS_CHECK(call) MELGRAD_LIBRARY_CHECK(call, CUBLAS_STATUS_SUCCESS, cublasGetStatusString)

namespace melgrad::cuda {

namespace {

constexpr size_t kCublasWorkspace = (size_t)32 << 20;  // 32 MiB: NVIDIA's recommendation for Hopper

cublasHandle_t handle() {
    static cublasHandle_t h = [] {
        cublasHandle_t created;
        CUBLAS_CHECK(cublasCreate(&created));
        CUBLAS_CHECK(cublasSetStream(created, stream()));
        void* ws = nullptr;
        CUDA_CHECK(cudaMalloc(&ws, kCublasWorkspace));  // lives as long as the handle: the whole program
        CUBLAS_CHECK(cublasSetWorkspace(created, ws, kCublasWorkspace));
        CUBLAS_CHECK(cublasSetPointerMode(created, CUBLAS_POINTER_MODE_HOST));
        return created;
    }();
    return h;
}

struct LinearOperands {
    const float *x, *w, *dy;
    const float* pick(GemmOperand o) const { return o == GemmOperand::X ? x : o == GemmOperand::W ? w : dy; }
};

void run_gemm(const GemmCall& c, const LinearOperands& ops, float* out) {
    const float alpha = 1.0f;
    const cublasComputeType_t compute = tf32_enabled() ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    CUBLAS_CHECK(cublasGemmEx(handle(), c.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, c.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                              c.m, c.n, c.k, &alpha, ops.pick(c.a), CUDA_R_32F, c.lda, ops.pick(c.b), CUDA_R_32F,
                              c.ldb, &c.beta, out, CUDA_R_32F, c.ldc, compute, CUBLAS_GEMM_DEFAULT));
}

}  // namespace

void linear_forward(const float* x, const float* w, const float* b, float* y, int N, int in, int out) {
    if (N == 0) return;
    if (b) bias_apply(y, b, N, out, 1, /*accumulate=*/false);  // y = bias rows, then y += x W^T
    run_gemm(linear_forward_gemm(N, in, out, b != nullptr), {x, w, nullptr}, y);
}

void linear_backward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, int N, int in,
                     int out) {
    if (N == 0) return;
    run_gemm(linear_weight_grad_gemm(N, in, out), {x, w, dy}, dw);
    if (dx) run_gemm(linear_input_grad_gemm(N, in, out), {x, w, dy}, dx);
    if (db) channel_sum_add(dy, db, N, out, 1);
}

}  // namespace melgrad::cuda
