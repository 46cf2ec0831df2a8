// CUDA-side memory helpers for the backend's own .cu files (needs cuda_runtime.h; trainers and tests use
// framework/cuda/allocator.h instead).
//
// One stream for everything: every kernel, copy, cuBLAS and cuDNN call of melgrad runs on stream(), in
// order. That is what makes the caching allocator safe without events: a block released on the host while
// kernels that use it are still queued can only be handed to work queued *after* them on the same stream.
// It is also the stream a CUDA graph captures (framework/cuda/graph.h).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "framework/cuda/allocator.h"
#include "framework/cuda/launch_shape.h"  // kThreads, blocks_for

namespace melgrad::cuda {

cudaStream_t stream();          // created on first use, non-blocking (no implicit sync with stream 0)
bool stream_is_capturing();     // true between CudaGraphStep's begin and end of capture

// A device counter that every replay of a captured graph increments first (framework/cuda/graph.cu), so
// that kernels with random draws (dropout) get a new stream per replay.
const uint64_t* graph_replay_counter();

void* allocate_bytes(size_t bytes);  // from the caching allocator (never returns null: throws)
void release_bytes(void* p);         // back to its free list; never throws (called from destructors)

// Scratch memory for one op (partial sums, label copies), from the caching allocator.
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(size_t bytes) : ptr_(allocate_bytes(bytes)), bytes_(bytes) {}
    ~DeviceBuffer() { if (ptr_) release_bytes(ptr_); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    template <class T> T* as() const { return static_cast<T*>(ptr_); }
    size_t bytes() const { return bytes_; }

private:
    void* ptr_ = nullptr;
    size_t bytes_ = 0;
};

}  // namespace melgrad::cuda
