// Tensor: a float32, contiguous, row-major (NCHW for images) block of numbers with a shape and a device.
//
// A Tensor is a cheap handle: copying it shares the storage (like a PyTorch tensor), so a tape node can
// keep the activations it needs without copying them. `clone()` makes a real copy.
// Each tensor can carry a gradient of the same shape (`grad()`), allocated the first time it is asked for
// and filled with zeros, so backward passes can always accumulate with +=. A backward pass that writes
// every element of a gradient may ask for it with `grad_to_write()` instead and skip the zero fill.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace melgrad {

enum class Device { CPU, CUDA };
const char* device_name(Device d);

using Shape = std::vector<int>;
std::string shape_str(const Shape& s);  // "(32, 1, 128, 128)"
size_t shape_numel(const Shape& s);

// Raw memory on one device. CPU memory is 64-byte aligned (good for SIMD and for BLAS).
struct Storage {
    float* ptr = nullptr;
    size_t count = 0;
    Device device = Device::CPU;
    Storage(size_t count, Device device);
    ~Storage();
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;
};

class Tensor {
public:
    Tensor() = default;                                   // an empty ("undefined") tensor
    explicit Tensor(const Shape& shape, Device device = Device::CPU);  // uninitialised values
    static Tensor zeros(const Shape& shape, Device device = Device::CPU);
    static Tensor full(const Shape& shape, float value, Device device = Device::CPU);
    static Tensor from_vector(const Shape& shape, const std::vector<float>& values);  // CPU

    bool defined() const { return impl_ != nullptr; }
    const Shape& shape() const;
    int dim(int i) const;      // negative i counts from the end, like Python
    int ndim() const { return (int)shape().size(); }
    size_t numel() const;
    Device device() const;

    float* data();             // host pointer for CPU tensors, device pointer for CUDA tensors
    const float* data() const;
    float& at(size_t i);       // CPU only, bounds-checked
    float at(size_t i) const;
    float item() const;        // the single value of a one-element tensor (copied to the host)

    // Same storage, new shape with the same number of elements (no copy).
    Tensor reshape(const Shape& shape) const;
    Tensor clone() const;                       // deep copy on the same device
    Tensor to(Device device) const;             // copy to another device (or share if already there)
    std::vector<float> to_vector() const;       // values copied to the host
    void copy_from(const Tensor& src);          // same numel; any devices
    void fill(float value);

    // Autograd bookkeeping.
    bool requires_grad() const;
    Tensor& set_requires_grad(bool on);
    bool has_grad() const;
    Tensor& grad();                             // allocated as zeros on first use
    // The gradient, for a backward pass that will write *every* element of it (one pass over the tensor).
    // Sets `accumulate`: true when the gradient already exists and holds values (another use of this tensor
    // was differentiated first, or zero_grad() kept it) — then the pass must add (+=), as with grad();
    // false when it was just allocated, uninitialised — then the pass writes (=) and nothing else may be
    // assumed about its contents. Same result as grad() and +=, without a pass that writes zeros and a
    // pass that reads them back (33.5 MB each for the paper CNN's first activations).
    Tensor& grad_to_write(bool& accumulate);
    void zero_grad();                           // grad := 0 (keeps the memory)
    void drop_grad();                           // forgets the gradient and frees its memory

    bool same_storage(const Tensor& other) const { return impl_ && other.impl_ && impl_->storage == other.impl_->storage; }

private:
    struct Impl {
        Shape shape;
        std::shared_ptr<Storage> storage;
        bool requires_grad = false;
        std::shared_ptr<Tensor> grad;
    };
    std::shared_ptr<Impl> impl_;
    void check_defined(const char* what) const;
};

// Device memory primitives (framework/tensor.cpp). The CPU ones are plain; the CUDA ones live in
// framework/cuda/memory.cu (or throw a clear error in a CPU-only build: framework/cuda/cpu_only.cpp).
namespace device_memory {
float* allocate(size_t count, Device d);
void release(float* p, size_t count, Device d);
void copy(float* dst, Device dst_dev, const float* src, Device src_dev, size_t count);
void fill(float* dst, Device d, float value, size_t count);
}  // namespace device_memory

bool cuda_compiled();   // true when this binary was built with the CUDA backend
bool cuda_available();  // true when it was, and a GPU is present at run time

}  // namespace melgrad
