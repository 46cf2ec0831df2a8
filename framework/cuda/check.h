// Every CUDA, cuBLAS and cuDNN call goes through one of these macros: on failure they throw an error that
// names the call, the file:line and the library's own status string.
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace melgrad::cuda {
[[noreturn]] void fail(const char* call, const char* file, int line, const std::string& status);
}

#define CUDA_CHECK(call)                                                                        \
    do {                                                                                        \
        cudaError_t err_ = (call);                                                              \
        if (err_ != cudaSuccess) ::melgrad::cuda::fail(#call, __FILE__, __LINE__, cudaGetErrorString(err_)); \
    } while (0)
