#include "framework/cpu/panel_gemm.h"

#include <stdexcept>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace melgrad {

constexpr int kRows = 8;      // rows of a tile (and of a panel of A)
constexpr int kColumns = 32;  // columns of a tile: two 16-float vectors

bool panel_gemm_fits(int M, int N) {
#if defined(__AVX512F__)
    return M > 0 && N > 0 && M % kRows == 0 && N % kColumns == 0;
#else
    (void)M, (void)N;
    return false;
#endif
}

std::vector<float> pack_panels(const float* a, int M, int K, int row_stride, int col_stride) {
    if (M % kRows != 0) throw std::logic_error("pack_panels: M must be a multiple of 8");
    std::vector<float> packed((size_t)M * K);
    for (int m0 = 0; m0 < M; m0 += kRows) {
        float* panel = packed.data() + (size_t)m0 * K;
        for (int k = 0; k < K; k++)
            for (int r = 0; r < kRows; r++)
                panel[(size_t)k * kRows + r] = a[(size_t)(m0 + r) * row_stride + (size_t)k * col_stride];
    }
    return packed;
}

#if defined(__AVX512F__)
// C[0..8)[0..32) = panel (8 x K) · B[0..K)[0..32): 16 accumulators, one pass over k.
static inline void tile_8x32(const float* panel, int K, const float* b, int ldb, float* c, int ldc) {
    // All three loops over the 8 rows are unrolled ("#pragma GCC unroll 8"), so that the 16 accumulators live in
    // registers: GCC's -O2 keeps an array indexed by a loop in memory, and the kernel then ran at 60 GFLOP/s.
    __m512 acc[kRows][2];
#pragma GCC unroll 8
    for (int r = 0; r < kRows; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int k = 0; k < K; k++) {
        const __m512 b0 = _mm512_loadu_ps(b + (size_t)k * ldb), b1 = _mm512_loadu_ps(b + (size_t)k * ldb + 16);
        const float* a = panel + (size_t)k * kRows;
#pragma GCC unroll 8
        for (int r = 0; r < kRows; r++) {
            const __m512 ar = _mm512_set1_ps(a[r]);
            acc[r][0] = _mm512_fmadd_ps(ar, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(ar, b1, acc[r][1]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < kRows; r++) {
        _mm512_storeu_ps(c + (size_t)r * ldc, acc[r][0]);
        _mm512_storeu_ps(c + (size_t)r * ldc + 16, acc[r][1]);
    }
}
#endif

void panel_gemm(const float* packed_a, int M, int K, const float* b, int ldb, float* c, int ldc, int N) {
    if (!panel_gemm_fits(M, N)) throw std::logic_error("panel_gemm: shape not supported here (panel_gemm_fits)");
#if defined(__AVX512F__)
    // One strip of 32 columns of B at a time (K x 32 floats, reused by every panel of A), then every panel.
    for (int n0 = 0; n0 < N; n0 += kColumns)
        for (int m0 = 0; m0 < M; m0 += kRows)
            tile_8x32(packed_a + (size_t)m0 * K, K, b + n0, ldb, c + (size_t)m0 * ldc + n0, ldc);
#else
    (void)packed_a, (void)K, (void)b, (void)ldb, (void)c, (void)ldc;
#endif
}

}  // namespace melgrad
