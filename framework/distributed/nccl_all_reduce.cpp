// DeviceAllReduce over NCCL. ncclRedOpCreatePreMulSum gives the weighted sum in one call: every rank's
// values are multiplied by its own scalar (its share of the batch) inside the all-reduce.
#include "framework/distributed/device_all_reduce.h"

#include <stdexcept>
#include <string>

#if MELGRAD_CUDA
#include <cuda_runtime.h>

#include "framework/cuda/memory.h"
#endif
#if MELGRAD_NCCL
#include <nccl.h>
#endif

namespace melgrad::distributed {

#if MELGRAD_NCCL
namespace {

void check(ncclResult_t rc, const char* what) {
    if (rc != ncclSuccess) throw std::runtime_error(std::string(what) + " failed: " + ncclGetErrorString(rc));
}

class NcclAllReduce : public DeviceAllReduce {
public:
    explicit NcclAllReduce(Communicator& comm) {
        ncclUniqueId id;
        if (comm.is_root()) check(ncclGetUniqueId(&id), "ncclGetUniqueId");
        comm.broadcast(&id, sizeof id, 0);  // over MPI: how the ranks find each other
        check(ncclCommInitRank(&nccl_, comm.size(), id, comm.rank()), "ncclCommInitRank");
    }
    ~NcclAllReduce() override { ncclCommDestroy(nccl_); }
    void weighted_sum(float* data, size_t n, double share) override {
        float scalar = (float)share;
        ncclRedOp_t op;
        check(ncclRedOpCreatePreMulSum(&op, &scalar, ncclFloat32, ncclScalarHostImmediate, nccl_),
              "ncclRedOpCreatePreMulSum");
        check(ncclAllReduce(data, data, n, ncclFloat32, op, nccl_, cuda::stream()), "ncclAllReduce");
        check(ncclRedOpDestroy(op, nccl_), "ncclRedOpDestroy");
    }

private:
    ncclComm_t nccl_ = nullptr;
};

}  // namespace

bool nccl_available() { return true; }
std::unique_ptr<DeviceAllReduce> make_nccl_all_reduce(Communicator& comm) {
    return std::make_unique<NcclAllReduce>(comm);
}
#else
bool nccl_available() { return false; }
std::unique_ptr<DeviceAllReduce> make_nccl_all_reduce(Communicator&) {
    throw std::runtime_error("this melgrad was built without NCCL (it needs the CUDA backend, nccl.h and MPI)");
}
#endif

void bind_gpu_to_local_rank(const Communicator& comm) {
#if MELGRAD_CUDA
    int gpus = 0;
    if (cudaGetDeviceCount(&gpus) != cudaSuccess || gpus == 0) {
        (void)cudaGetLastError();  // no GPU: the CPU path, nothing to bind
        return;
    }
    if (cudaSetDevice(comm.local_rank() % gpus) != cudaSuccess)
        throw std::runtime_error("cudaSetDevice(" + std::to_string(comm.local_rank() % gpus) + ") failed");
#else
    (void)comm;
#endif
}

}  // namespace melgrad::distributed
