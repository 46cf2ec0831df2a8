// Small elementwise helpers shared by several backward passes (Flatten, Dropout in evaluation mode).
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   add_into        picks one       elementwise.cpp
//   add_into_cpu    the CPU loop    elementwise.cpp
//   cuda::add_into  the GPU launch  elementwise.cu (kernel: elementwise_kernels.cuh)
#pragma once
#include <cstddef>

#include "framework/backend.h"

namespace melgrad {

void add_into(Engine engine, float* dst, const float* src, size_t n);  // dst += src
void add_into_cpu(float* dst, const float* src, size_t n);
namespace cuda {
void add_into(float* dst, const float* src, size_t n);
}  // namespace cuda

}  // namespace melgrad
