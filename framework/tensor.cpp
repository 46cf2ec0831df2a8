#include "framework/tensor.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace melgrad {

const char* device_name(Device d) { return d == Device::CPU ? "cpu" : "cuda"; }

std::string shape_str(const Shape& s) {
    std::ostringstream os;
    os << "(";
    for (size_t i = 0; i < s.size(); i++) os << (i ? ", " : "") << s[i];
    os << (s.size() == 1 ? ",)" : ")");
    return os.str();
}

size_t shape_numel(const Shape& s) {
    size_t n = 1;
    for (int d : s) {
        if (d < 0) throw std::invalid_argument("negative dimension in shape " + shape_str(s));
        n *= (size_t)d;
    }
    return n;
}

Storage::Storage(size_t n, Device d) : count(n), device(d) { ptr = device_memory::allocate(n, d); }
Storage::~Storage() { device_memory::release(ptr, count, device); }

Tensor::Tensor(const Shape& shape, Device device) {
    impl_ = std::make_shared<Impl>();
    impl_->shape = shape;
    impl_->storage = std::make_shared<Storage>(shape_numel(shape), device);
}

Tensor Tensor::zeros(const Shape& shape, Device device) { return full(shape, 0.0f, device); }

Tensor Tensor::full(const Shape& shape, float value, Device device) {
    Tensor t(shape, device);
    t.fill(value);
    return t;
}

Tensor Tensor::from_vector(const Shape& shape, const std::vector<float>& values) {
    Tensor t(shape);
    if (values.size() != t.numel())
        throw std::invalid_argument("from_vector: " + std::to_string(values.size()) + " values for shape " +
                                    shape_str(shape));
    if (!values.empty()) std::memcpy(t.data(), values.data(), values.size() * sizeof(float));  // a 0-sized dim: no data
    return t;
}

void Tensor::check_defined(const char* what) const {
    if (!impl_) throw std::logic_error(std::string("Tensor::") + what + " on an undefined tensor");
}

const Shape& Tensor::shape() const { check_defined("shape"); return impl_->shape; }
int Tensor::dim(int i) const {
    const Shape& s = shape();
    int n = (int)s.size();
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw std::out_of_range("Tensor::dim(" + std::to_string(i) + ") of shape " + shape_str(s));
    return s[i];
}
size_t Tensor::numel() const { check_defined("numel"); return impl_->storage->count; }
Device Tensor::device() const { check_defined("device"); return impl_->storage->device; }
float* Tensor::data() { check_defined("data"); return impl_->storage->ptr; }
const float* Tensor::data() const { check_defined("data"); return impl_->storage->ptr; }

float& Tensor::at(size_t i) {
    if (device() != Device::CPU) throw std::logic_error("Tensor::at needs a CPU tensor");
    if (i >= numel()) throw std::out_of_range("Tensor::at(" + std::to_string(i) + ") of " + shape_str(shape()));
    return data()[i];
}
float Tensor::at(size_t i) const { return const_cast<Tensor*>(this)->at(i); }

float Tensor::item() const {
    if (numel() != 1) throw std::logic_error("Tensor::item on a tensor of shape " + shape_str(shape()));
    float v;
    device_memory::copy(&v, Device::CPU, data(), device(), 1);
    return v;
}

Tensor Tensor::reshape(const Shape& s) const {
    if (shape_numel(s) != numel())
        throw std::invalid_argument("reshape " + shape_str(shape()) + " -> " + shape_str(s) + ": sizes differ");
    Tensor t;
    t.impl_ = std::make_shared<Impl>();
    t.impl_->shape = s;
    t.impl_->storage = impl_->storage;
    return t;
}

Tensor Tensor::clone() const {
    Tensor t(shape(), device());
    t.copy_from(*this);
    return t;
}

Tensor Tensor::to(Device d) const {
    if (d == device()) return *this;
    Tensor t(shape(), d);
    t.copy_from(*this);
    t.set_requires_grad(requires_grad());
    return t;
}

std::vector<float> Tensor::to_vector() const {
    std::vector<float> v(numel());
    device_memory::copy(v.data(), Device::CPU, data(), device(), numel());
    return v;
}

void Tensor::copy_from(const Tensor& src) {
    if (src.numel() != numel())
        throw std::invalid_argument("copy_from: " + shape_str(src.shape()) + " into " + shape_str(shape()));
    device_memory::copy(data(), device(), src.data(), src.device(), numel());
}

void Tensor::fill(float value) { device_memory::fill(data(), device(), value, numel()); }

bool Tensor::requires_grad() const { return impl_ && impl_->requires_grad; }
Tensor& Tensor::set_requires_grad(bool on) { check_defined("set_requires_grad"); impl_->requires_grad = on; return *this; }
bool Tensor::has_grad() const { return impl_ && impl_->grad != nullptr; }
Tensor& Tensor::grad() {
    check_defined("grad");
    if (!impl_->grad) impl_->grad = std::make_shared<Tensor>(Tensor::zeros(shape(), device()));
    return *impl_->grad;
}
Tensor& Tensor::grad_to_write(bool& accumulate) {
    check_defined("grad_to_write");
    accumulate = impl_->grad != nullptr;
    if (!accumulate) impl_->grad = std::make_shared<Tensor>(shape(), device());  // uninitialised: written next
    return *impl_->grad;
}
void Tensor::zero_grad() { if (has_grad()) impl_->grad->fill(0.0f); }
void Tensor::drop_grad() { if (impl_) impl_->grad.reset(); }

// ---- CPU memory; CUDA memory is forwarded to the CUDA backend ------------------------------------
namespace cuda_memory {  // implemented in framework/cuda/memory.cu or framework/cuda/cpu_only.cpp
float* allocate(size_t count);
void release(float* p, size_t count);
void copy(float* dst, bool dst_on_gpu, const float* src, bool src_on_gpu, size_t count);
void fill(float* dst, float value, size_t count);
}  // namespace cuda_memory

namespace device_memory {
float* allocate(size_t count, Device d) {
    if (d == Device::CUDA) return cuda_memory::allocate(count);
    size_t bytes = ((count * sizeof(float) + 63) / 64) * 64;
    if (bytes == 0) bytes = 64;
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw std::bad_alloc();
    return static_cast<float*>(p);
}
void release(float* p, size_t count, Device d) {
    if (d == Device::CUDA) cuda_memory::release(p, count);
    else std::free(p);
}
void copy(float* dst, Device dd, const float* src, Device sd, size_t count) {
    if (count == 0) return;
    if (dd == Device::CPU && sd == Device::CPU) std::memcpy(dst, src, count * sizeof(float));
    else cuda_memory::copy(dst, dd == Device::CUDA, src, sd == Device::CUDA, count);
}
void fill(float* dst, Device d, float value, size_t count) {
    if (d == Device::CUDA) { cuda_memory::fill(dst, value, count); return; }
    if (value == 0.0f && !std::signbit(value)) {  // +0 (new gradients): libc's memset is the fastest
        std::memset(dst, 0, count * sizeof(float));
        return;
    }
#pragma omp simd
    for (size_t i = 0; i < count; i++) dst[i] = value;  // simd: -O2 alone leaves this loop scalar
}
}  // namespace device_memory

}  // namespace melgrad
