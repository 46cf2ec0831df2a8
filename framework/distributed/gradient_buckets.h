// GradientAllReduce: every rank's gradients replaced by their mean over the global batch, before the optimizer step.
//
// Each rank's gradient is the mean over its own samples. With n_r samples on rank r out of n in all, the
// global batch's mean gradient is  sum_r (n_r / n) * grad_r : each rank scales by its share, then an
// all-reduce adds the scaled gradients up. With equal shards the share is 1 / N (the plain average).
//
// Buckets: one all-reduce per parameter pays the start-up cost (latency) of a collective 18 times for the
// paper CNN; one for the whole model must wait for the last gradient. Like PyTorch's DDP we pack several
// parameters' gradients into a bucket of about `bucket_bytes` and all-reduce bucket by bucket, the last
// layers' first (backward finishes them first). A parameter larger than a bucket gets a bucket of its own.
//
// Where the bucket lives: host memory and the Communicator (MPI) for CPU parameters; for CUDA parameters GPU
// memory and NCCL when a DeviceAllReduce is given (device_all_reduce.h), else a copy through the host.
// Every bucket has its own place in one model-sized buffer, so several can be in flight at once: all_reduce()
// starts them all after backward and waits; OverlappedAllReduce (overlapped_all_reduce.h) starts each one
// during backward, as soon as its gradients are final, and waits right before the optimizer step.
#pragma once
#include <cstddef>
#include <vector>

#include "framework/distributed/communicator.h"
#include "framework/distributed/device_all_reduce.h"
#include "framework/module.h"

namespace melgrad::distributed {

class GradientAllReduce {
public:
    // device: NCCL for CUDA parameters (nullptr: through the host).
    GradientAllReduce(Communicator& comm, std::vector<NamedTensor> params, size_t bucket_bytes,
                      DeviceAllReduce* device = nullptr);

    // grad := sum over ranks of share * grad, for every parameter; `share` is this rank's n_r / n.
    void all_reduce(double share);
    // False when there is nothing to do: one process, and its gradient is already the batch's mean.
    bool needed(double share) const { return comm_.size() > 1 || share != 1.0; }

    // The same in parts, in this order: start(b, share) for every bucket b, each once, in order 0, 1, ...
    // (every rank must start them in the same order); then wait_all(), which writes the sums to the gradients.
    void start(size_t bucket, double share);
    void wait_all();
    void progress() { comm_.progress(); }

    // The parameters, last layer first, and the buckets: bucket b holds parameters [first(b), last(b)).
    const std::vector<NamedTensor>& parameters() const { return params_; }
    size_t first(size_t bucket) const { return buckets_[bucket].first; }
    size_t last(size_t bucket) const { return buckets_[bucket].last; }
    size_t bucket_count() const { return buckets_.size(); }
    // Wall time spent inside the collectives (starting and waiting, not packing), summed over every call so far.
    double seconds_in_collectives() const { return seconds_; }

private:
    struct Bucket { size_t first, last, offset, floats; };  // parameters [first, last) of params_, at buffer + offset
    void pack(const Bucket& b, float* to, float share);
    void unpack(const Bucket& b, const float* from);
    float* buffer_of(const Bucket& b);

    Communicator& comm_;
    std::vector<NamedTensor> params_;  // last layer first
    std::vector<Bucket> buckets_;
    std::vector<float> buffer_;        // host staging: every bucket side by side
    DeviceAllReduce* device_;
    bool use_device_ = false;          // CUDA parameters and NCCL: the buckets stay on the GPU
    Tensor device_buffer_;             // GPU staging (NCCL)
    std::vector<Communicator::Ticket> started_;  // per started bucket, in start order (host path)
    size_t next_ = 0;                  // the next bucket to start
    double seconds_ = 0;
};

}  // namespace melgrad::distributed
