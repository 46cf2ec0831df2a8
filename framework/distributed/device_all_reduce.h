// All-reduce of GPU memory between the ranks' GPUs, with NCCL (NVIDIA's collectives library, in the CUDA
// toolkit). MPI starts and connects the processes; NCCL moves the gradients GPU to GPU (NVLink, PCIe or the
// network) without a trip through host memory. NCCL is bootstrapped through the Communicator: rank 0 makes an
// ncclUniqueId and broadcasts it, every rank then joins the NCCL communicator with it.
//
// Built when the Makefile finds CUDA, NCCL and MPI (it defines MELGRAD_NCCL=1); otherwise nccl_available()
// is false and GradientAllReduce stages CUDA gradients through the host and MPI.
#pragma once
#include <cstddef>
#include <memory>

#include "framework/distributed/communicator.h"

namespace melgrad::distributed {

class DeviceAllReduce {
public:
    virtual ~DeviceAllReduce() = default;
    // data := sum over ranks of share * data, in place, on melgrad's CUDA stream (framework/cuda/memory.h).
    virtual void weighted_sum(float* device_data, size_t n, double share) = 0;
    // The same sum, overlapping other GPU work: it runs on a stream of its own once melgrad's stream has done
    // the work queued so far (the bucket's packing); the host returns at once. wait_started() makes melgrad's
    // stream wait (on the GPU; the host does not block) for every sum started since the last wait.
    virtual void start_weighted_sum(float* device_data, size_t n, double share) = 0;
    virtual void wait_started() = 0;
};

bool nccl_available();
// One NCCL communicator over the ranks of `comm`; std::runtime_error without NCCL.
std::unique_ptr<DeviceAllReduce> make_nccl_all_reduce(Communicator& comm);

// One GPU per rank on a machine: this process uses GPU local_rank % (GPUs here). Call before any CUDA work.
// No-op without the CUDA backend or without a GPU.
void bind_gpu_to_local_rank(const Communicator& comm);

}  // namespace melgrad::distributed
