#include "framework/distributed/gradient_buckets.h"

#include <algorithm>
#include <chrono>

namespace melgrad::distributed {

GradientAllReduce::GradientAllReduce(Communicator& comm, std::vector<NamedTensor> params, size_t bucket_bytes)
    : comm_(comm), params_(std::move(params)) {
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
    buffer_.resize(largest);
}

// The bucket's gradients side by side in buffer_, each scaled by this rank's share. A CUDA gradient is copied
// to the host first (the MPI path; NCCL would reduce on the device).
void GradientAllReduce::pack(const Bucket& b, float share) {
    float* at = buffer_.data();
    for (size_t i = b.first; i < b.last; i++) {
        Tensor& g = params_[i].tensor->grad();
        device_memory::copy(at, Device::CPU, g.data(), g.device(), g.numel());
        for (size_t k = 0; k < g.numel(); k++) at[k] *= share;
        at += g.numel();
    }
}

void GradientAllReduce::unpack(const Bucket& b) {
    const float* at = buffer_.data();
    for (size_t i = b.first; i < b.last; i++) {
        Tensor& g = params_[i].tensor->grad();
        device_memory::copy(g.data(), g.device(), at, Device::CPU, g.numel());
        at += g.numel();
    }
}

void GradientAllReduce::all_reduce(double share) {
    if (comm_.size() == 1 && share == 1.0) return;  // one process: the gradient is already the batch mean
    for (const Bucket& b : buckets_) {
        pack(b, (float)share);
        auto t0 = std::chrono::steady_clock::now();
        comm_.all_reduce_sum(buffer_.data(), b.floats);
        seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        unpack(b);
    }
}

}  // namespace melgrad::distributed
