// IndexBuffer: int32 values on either device (class labels, max-pool argmax positions).
//
// Tensor holds float32 only; a few ops need integers that live where the tensor lives (the CUDA backend
// must not read labels or argmax from host memory). An IndexBuffer reuses Storage - 4-byte elements, the
// same allocators - and is a cheap shared handle like Tensor.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/tensor.h"

namespace melgrad {

class IndexBuffer {
public:
    IndexBuffer() = default;
    IndexBuffer(size_t count, Device device);                        // uninitialised values
    static IndexBuffer from_vector(const std::vector<int>& values, Device device);

    bool defined() const { return storage_ != nullptr; }
    size_t size() const { return storage_ ? storage_->count : 0; }
    Device device() const { return storage_ ? storage_->device : Device::CPU; }
    int32_t* data() { return storage_ ? reinterpret_cast<int32_t*>(storage_->ptr) : nullptr; }
    const int32_t* data() const { return storage_ ? reinterpret_cast<const int32_t*>(storage_->ptr) : nullptr; }
    std::vector<int> to_vector() const;                              // copied to the host
    void copy_from(const std::vector<int>& values);                  // same size; host -> here

private:
    std::shared_ptr<Storage> storage_;
};

static_assert(sizeof(int32_t) == sizeof(float), "IndexBuffer stores int32 in float-sized slots");
static_assert(sizeof(int) == sizeof(int32_t), "labels are passed as int* to the CPU and CUDA kernels");

}  // namespace melgrad
