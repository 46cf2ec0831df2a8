// GradientAllReduce: after backward, every rank's gradients replaced by their mean over the global batch.
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
// (Not done: overlapping a bucket's all-reduce with the rest of the backward pass, as DDP does; here every
// bucket waits for the end of backward.)
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

    size_t bucket_count() const { return buckets_.size(); }
    // Wall time spent inside the collectives (not packing), summed over every call so far.
    double seconds_in_collectives() const { return seconds_; }

private:
    struct Bucket { size_t first, last, floats; };  // parameters [first, last) of params_ (reversed order)
    void pack(const Bucket& b, float* to, float share);
    void unpack(const Bucket& b, const float* from);
    void reduce_on_device(const Bucket& b, double share);

    Communicator& comm_;
    std::vector<NamedTensor> params_;  // last layer first
    std::vector<Bucket> buckets_;
    std::vector<float> buffer_;        // host staging for one bucket
    DeviceAllReduce* device_;
    bool use_device_ = false;          // CUDA parameters and NCCL: the buckets stay on the GPU
    Tensor device_buffer_;             // GPU staging for one bucket (NCCL)
    double seconds_ = 0;
};

}  // namespace melgrad::distributed
