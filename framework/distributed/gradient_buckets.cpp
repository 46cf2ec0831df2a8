#include "framework/distributed/gradient_buckets.h"

#include <algorithm>
#include <chrono>

namespace melgrad::distributed {

GradientAllReduce::GradientAllReduce(Communicator& comm, std::vector<NamedTensor> params, size_t bucket_bytes,
                                     DeviceAllReduce* device)
    : comm_(comm), params_(std::move(params)), device_(device) {
    std::reverse(params_.begin(), params_.end());
    const size_t cap = std::max<size_t>(1, bucket_bytes / sizeof(float));
    size_t largest = 0;
    for (size_t i = 0; i < params_.size();) {
        Bucket b{i, i, 0};
        while (b.last < params_.size() && (b.floats == 0 || b.floats + params_[b.last].tensor->numel() <= cap))
            b.floats += params_[b.last++].tensor->numel();
        buckets_.push_back(b);
        largest = std::max(largest, b.floats);
        i = b.last;
    }
    const bool on_gpu = !params_.empty() && params_[0].tensor->device() == Device::CUDA;
    use_device_ = device_ && on_gpu;
    if (use_device_) device_buffer_ = Tensor({(int)largest}, Device::CUDA);
    else buffer_.resize(largest);
}

// The bucket's gradients side by side at `to` (host memory, or the GPU buffer), scaled by this rank's share
// on the host (NCCL scales inside its all-reduce: share 1 here).
void GradientAllReduce::pack(const Bucket& b, float* to, float share) {
    const Device where = to == buffer_.data() ? Device::CPU : Device::CUDA;
    for (size_t i = b.first; i < b.last; i++) {
        Tensor& g = params_[i].tensor->grad();
        device_memory::copy(to, where, g.data(), g.device(), g.numel());
        if (where == Device::CPU && share != 1.0f)
            for (size_t k = 0; k < g.numel(); k++) to[k] *= share;
        to += g.numel();
    }
}

void GradientAllReduce::unpack(const Bucket& b, const float* from) {
    const Device where = from == buffer_.data() ? Device::CPU : Device::CUDA;
    for (size_t i = b.first; i < b.last; i++) {
        Tensor& g = params_[i].tensor->grad();
        device_memory::copy(g.data(), g.device(), from, where, g.numel());
        from += g.numel();
    }
}

// NCCL: GPU to GPU, the share applied inside the all-reduce. The time includes the wait for the GPU's
// queued work (the NCCL kernel runs on melgrad's stream; the copy back to the host would wait anyway).
void GradientAllReduce::reduce_on_device(const Bucket& b, double share) {
    pack(b, device_buffer_.data(), 1.0f);
    auto t0 = std::chrono::steady_clock::now();
    device_->weighted_sum(device_buffer_.data(), b.floats, share);
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    unpack(b, device_buffer_.data());
}

void GradientAllReduce::all_reduce(double share) {
    if (comm_.size() == 1 && share == 1.0) return;  // one process: the gradient is already the batch mean
    for (const Bucket& b : buckets_) {
        if (use_device_) {
            reduce_on_device(b, share);
            continue;
        }
        pack(b, buffer_.data(), (float)share);
        auto t0 = std::chrono::steady_clock::now();
        comm_.all_reduce_sum(buffer_.data(), b.floats);
        seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        unpack(b, buffer_.data());
    }
}

}  // namespace melgrad::distributed
