// Small elementwise helpers shared by several backward passes.
#pragma once
#include <cstddef>

namespace melgrad {
void add_into_cpu(float* dst, const float* src, size_t n);  // dst += src
}  // namespace melgrad
