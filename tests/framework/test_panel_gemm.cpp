// framework/cpu/panel_gemm.h, the fast convolution's own GEMM: against a plain double-precision product on many
// shapes (inner sizes 1 to 577, row strides wider than the rows, A packed from a transposed view), and where it does
// not run (no AVX-512, or a shape that does not fit) it says so.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "framework/cpu/panel_gemm.h"
#include "framework/rng.h"

using namespace melgrad;

namespace {

// C = A · B in double, A element (m, k) at a[m * row_stride + k * col_stride], B rows ldb apart
std::vector<double> plain_product(const std::vector<float>& a, int row_stride, int col_stride,
                                  const std::vector<float>& b, int ldb, int M, int K, int N) {
    std::vector<double> c((size_t)M * N, 0.0);
    for (int m = 0; m < M; m++)
        for (int k = 0; k < K; k++) {
            const double av = a[(size_t)m * row_stride + (size_t)k * col_stride];
            for (int n = 0; n < N; n++) c[(size_t)m * N + n] += av * b[(size_t)k * ldb + n];
        }
    return c;
}

std::vector<float> random_values(size_t count, uint64_t seed) {
    Rng rng(seed);
    std::vector<float> v(count);
    for (float& x : v) x = (float)rng.normal();
    return v;
}

void check_product(int M, int K, int N, bool transposed_a) {
    INFO("M " << M << ", K " << K << ", N " << N << (transposed_a ? ", A packed from its transpose" : ""));
    const int ldb = N + 16, ldc = N + 32;  // rows wider than the product: the strides must be honoured
    const std::vector<float> a = random_values((size_t)M * K, 1 + M + K), b = random_values((size_t)K * ldb, 2 + N);
    // A as stored: M x K row-major, or its transpose K x M (element (m, k) at a[k * M + m])
    const int row_stride = transposed_a ? 1 : K, col_stride = transposed_a ? M : 1;
    const std::vector<float> panels = pack_panels(a.data(), M, K, row_stride, col_stride);
    std::vector<float> c((size_t)M * ldc, 12345.0f);  // written, not added to: the old values must not survive
    panel_gemm(panels.data(), M, K, b.data(), ldb, c.data(), ldc, N);
    const std::vector<double> want = plain_product(a, row_stride, col_stride, b, ldb, M, K, N);
    double worst = 0;
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            const double err = std::fabs(c[(size_t)m * ldc + n] - want[(size_t)m * N + n]) / std::sqrt((double)K);
            worst = std::max(worst, err);
        }
    // float sums of K products of normal values: rounding grows about like 6e-8 * K / sqrt(2), so divided by
    // sqrt(K) ~1e-6 at K = 577; a dropped or doubled term is off by ~0.04
    CHECK(worst <= 1e-5);
    bool gaps_untouched = true;  // past the last column of every row: not written
    for (int m = 0; m < M; m++)
        for (int n = N; n < ldc; n++) gaps_untouched = gaps_untouched && c[(size_t)m * ldc + n] == 12345.0f;
    CHECK(gaps_untouched);
}

}  // namespace

TEST_CASE("panel_gemm: C = A · B against a plain double product, on the paper CNN's shapes and odd ones") {
    if (!panel_gemm_fits(8, 32)) {
        MESSAGE("panel_gemm does not run on this CPU (no AVX-512): the convolution uses OpenBLAS only");
        CHECK_FALSE(panel_gemm_fits(32, 512));
        return;
    }
    // the convolution's forward products ([W | b] · [col; 1]) and input-gradient products (W^T · dy)
    check_product(32, 145, 512, false);
    check_product(64, 289, 512, false);
    check_product(128, 577, 256, false);
    check_product(144, 32, 512, true);
    check_product(288, 64, 512, true);
    check_product(576, 128, 256, true);
    // an inner size of 1, a single tile, wide tiles
    check_product(8, 1, 32, false);
    check_product(8, 3, 32, true);
    check_product(24, 17, 96, false);
}

TEST_CASE("panel_gemm: shapes it does not take are refused, not computed wrong") {
    CHECK_FALSE(panel_gemm_fits(12, 64));  // M not a multiple of 8
    CHECK_FALSE(panel_gemm_fits(16, 40));  // N not a multiple of 32
    CHECK_FALSE(panel_gemm_fits(0, 32));
    CHECK_THROWS_AS(pack_panels(nullptr, 12, 4, 4, 1), std::logic_error);
    std::vector<float> c(16 * 40);
    CHECK_THROWS_AS(panel_gemm(nullptr, 16, 4, nullptr, 40, c.data(), 40, 40), std::logic_error);
}
