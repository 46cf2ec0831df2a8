#include "framework/layers/elementwise.h"

namespace melgrad {
void add_into_cpu(float* dst, const float* src, size_t n) {
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) dst[i] += src[i];
}
}  // namespace melgrad
