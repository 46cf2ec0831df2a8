#include "framework/distributed/gradient_buckets.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

namespace melgrad::distributed {

GradientAllReduce::GradientAllReduce(Communicator& comm, std::vector<NamedTensor> params, size_t bucket_bytes,
                                     DeviceAllReduce* device)
    : comm_(comm), params_(std::move(params)), device_(device) {
    std::reverse(params_.begin(), params_.end());
    const size_t cap = std::max<size_t>(1, bucket_bytes / sizeof(float));
    size_t total = 0;
    for (size_t i = 0; i < params_.size();) {
        Bucket b{i, i, total, 0};
        while (b.last < params_.size() && (b.floats == 0 || b.floats + params_[b.last].tensor->numel() <= cap))
            b.floats += params_[b.last++].tensor->numel();
        buckets_.push_back(b);
        total += b.floats;
        i = b.last;
    }
    const bool on_gpu = !params_.empty() && params_[0].tensor->device() == Device::CUDA;
    use_device_ = device_ && on_gpu;
    if (use_device_) device_buffer_ = Tensor({(int)std::max<size_t>(1, total)}, Device::CUDA);
    else buffer_.resize(total);
}

float* GradientAllReduce::buffer_of(const Bucket& b) {
    return (use_device_ ? device_buffer_.data() : buffer_.data()) + b.offset;
}

// The bucket's gradients side by side at `to` (host memory, or the GPU buffer), scaled by this rank's share
// on the host (NCCL scales inside its all-reduce: share 1 here).
void GradientAllReduce::pack(const Bucket& b, float* to, float share) {
    const Device where = use_device_ ? Device::CUDA : Device::CPU;
    for (size_t i = b.first; i < b.last; i++) {
        Tensor& g = params_[i].tensor->grad();
        device_memory::copy(to, where, g.data(), g.device(), g.numel());
        if (where == Device::CPU && share != 1.0f)
            for (size_t k = 0; k < g.numel(); k++) to[k] *= share;
        to += g.numel();
    }
}

void GradientAllReduce::unpack(const Bucket& b, const float* from) {
    const Device where = use_device_ ? Device::CUDA : Device::CPU;
    for (size_t i = b.first; i < b.last; i++) {
        Tensor& g = params_[i].tensor->grad();
        device_memory::copy(g.data(), g.device(), from, where, g.numel());
        from += g.numel();
    }
}

void GradientAllReduce::start(size_t bucket, double share) {
    if (bucket != next_)
        throw std::logic_error("GradientAllReduce: bucket " + std::to_string(bucket) + " started, bucket " +
                               std::to_string(next_) + " expected (every rank must start them in order)");
    const Bucket& b = buckets_[bucket];
    float* data = buffer_of(b);
    pack(b, data, use_device_ ? 1.0f : (float)share);
    auto t0 = std::chrono::steady_clock::now();
    if (use_device_) device_->start_weighted_sum(data, b.floats, share);  // NCCL scales by the share itself
    else started_.push_back(comm_.start_all_reduce_sum(data, b.floats));
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    next_++;
}

// Every started bucket's sum written back to its gradients. On the GPU the copies back are queued after the
// NCCL sums on melgrad's stream; on the host each MPI sum is waited for in the order it started.
void GradientAllReduce::wait_all() {
    if (next_ != buckets_.size())
        throw std::logic_error("GradientAllReduce: waiting with " + std::to_string(buckets_.size() - next_) +
                               " of " + std::to_string(buckets_.size()) + " buckets not started");
    auto t0 = std::chrono::steady_clock::now();
    if (use_device_) device_->wait_started();
    for (Communicator::Ticket ticket : started_) comm_.wait(ticket);
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (const Bucket& b : buckets_) unpack(b, buffer_of(b));
    started_.clear();
    next_ = 0;
}

void GradientAllReduce::all_reduce(double share) {
    if (!needed(share)) return;  // one process: the gradient is already the batch mean
    for (size_t b = 0; b < buckets_.size(); b++) start(b, share);
    wait_all();
}

}  // namespace melgrad::distributed
