// Every CUDA, cuBLAS and cuDNN call goes through one of these macros: on failure they throw an error that
// names the call, the file:line and the library's own status string, e.g.
//   CUDA call failed: cudaMalloc(&p, bytes) at framework/cuda/memory.cu:80: out of memory
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace melgrad::cuda {
[[noreturn]] void fail(const char* call, const char* file, int line, const std::string& status);
}

// A failed call also stays recorded as the runtime's "last error" until someone reads it; we read (clear)
// it before throwing, or the next CUDA_CHECK_LAUNCH would blame an innocent kernel for it.
#define CUDA_CHECK(call)                                                                        \
    do {                                                                                        \
        cudaError_t err_ = (call);                                                              \
        if (err_ != cudaSuccess) {                                                              \
            (void)cudaGetLastError();                                                           \
            ::melgrad::cuda::fail(#call, __FILE__, __LINE__, cudaGetErrorString(err_));         \
        }                                                                                       \
    } while (0)

// For the libraries: their status type, success value and status-to-string function differ, the rest is
// the same. framework/layers/conv2d.cu and linear.cu define CUDNN_CHECK / CUBLAS_CHECK with it.
#define MELGRAD_LIBRARY_CHECK(call, success, to_string)                                         \
    do {                                                                                        \
        auto st_ = (call);                                                                      \
        if (st_ != (success)) ::melgrad::cuda::fail(#call, __FILE__, __LINE__, to_string(st_)); \
    } while (0)

// After a kernel launch: a bad launch configuration is reported here, at the launch, instead of at the
// next unrelated call.
#define CUDA_CHECK_LAUNCH(kernel_name)                                                          \
    do {                                                                                        \
        cudaError_t err_ = cudaGetLastError();                                                  \
        if (err_ != cudaSuccess)                                                                \
            ::melgrad::cuda::fail("launch of " kernel_name, __FILE__, __LINE__, cudaGetErrorString(err_)); \
    } while (0)
