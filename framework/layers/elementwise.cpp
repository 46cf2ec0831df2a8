#include "framework/layers/elementwise.h"

namespace melgrad {

void add_into_cpu(float* dst, const float* src, size_t n) {
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) dst[i] += src[i];
}

void add_into(Engine engine, float* dst, const float* src, size_t n) {
    if (engine == Engine::Cuda) cuda::add_into(dst, src, n);
    else add_into_cpu(dst, src, n);
}

}  // namespace melgrad
