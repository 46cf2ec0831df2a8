// Device memory for CUDA tensors, and the runtime check for a GPU.
#include <cuda_runtime.h>

#include <cstdio>

#include "framework/cuda/check.h"
#include "framework/tensor.h"

namespace melgrad {
namespace cuda {
void fail(const char* call, const char* file, int line, const std::string& status) {
    throw std::runtime_error(std::string("CUDA call failed: ") + call + " at " + file + ":" + std::to_string(line) +
                             ": " + status);
}
}  // namespace cuda

namespace cuda_memory {
float* allocate(size_t count) {
    void* p = nullptr;
    CUDA_CHECK(cudaMalloc(&p, count ? count * sizeof(float) : 4));
    return static_cast<float*>(p);
}
void release(float* p, size_t) { cudaFree(p); }  // never throws: called from destructors
void copy(float* dst, bool dst_gpu, const float* src, bool src_gpu, size_t count) {
    cudaMemcpyKind kind = dst_gpu ? (src_gpu ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                                  : (src_gpu ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
    CUDA_CHECK(cudaMemcpy(dst, src, count * sizeof(float), kind));
}
__global__ void fill_kernel(float* dst, float value, size_t count) {
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i < count) dst[i] = value;
}
void fill(float* dst, float value, size_t count) {
    if (count == 0) return;
    fill_kernel<<<(unsigned)((count + 255) / 256), 256>>>(dst, value, count);
    CUDA_CHECK(cudaGetLastError());
}
}  // namespace cuda_memory

bool cuda_compiled() { return true; }
bool cuda_available() {
    int n = 0;
    return cudaGetDeviceCount(&n) == cudaSuccess && n > 0;
}

}  // namespace melgrad
