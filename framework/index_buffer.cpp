#include "framework/index_buffer.h"

#include <stdexcept>
#include <string>

namespace melgrad {

IndexBuffer::IndexBuffer(size_t count, Device device) : storage_(std::make_shared<Storage>(count, device)) {}

IndexBuffer IndexBuffer::from_vector(const std::vector<int>& values, Device device) {
    IndexBuffer b(values.size(), device);
    b.copy_from(values);
    return b;
}

// The copies move raw 4-byte words, so the float copy routine moves the int bits unchanged.
std::vector<int> IndexBuffer::to_vector() const {
    std::vector<int> v(size());
    if (!v.empty())
        device_memory::copy(reinterpret_cast<float*>(v.data()), Device::CPU, storage_->ptr, device(), v.size());
    return v;
}

void IndexBuffer::copy_from(const std::vector<int>& values) {
    if (values.size() != size())
        throw std::invalid_argument("IndexBuffer::copy_from: " + std::to_string(values.size()) + " values into " +
                                    std::to_string(size()));
    if (!values.empty())
        device_memory::copy(storage_->ptr, device(), reinterpret_cast<const float*>(values.data()), Device::CPU,
                            values.size());
}

}  // namespace melgrad
