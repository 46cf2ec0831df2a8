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
    ~NcclAllReduce() override {
        if (side_) cudaStreamDestroy(side_);
        if (packed_) cudaEventDestroy(packed_);
        if (summed_) cudaEventDestroy(summed_);
        ncclCommDestroy(nccl_);
    }
    void weighted_sum(float* data, size_t n, double share) override { sum_on(cuda::stream(), data, n, share); }

    // UNVERIFIED: compiled here, never run (no GPU was lent to the task that wrote it; docs/15 says so).
    // The sum runs on a side stream, after an event that marks the packing on melgrad's stream, so the
    // backward kernels queued later can run beside it; wait_started() joins the streams again.
    void start_weighted_sum(float* data, size_t n, double share) override {
        if (!side_) {
            cuda_check(cudaStreamCreateWithFlags(&side_, cudaStreamNonBlocking), "cudaStreamCreate");
            cuda_check(cudaEventCreateWithFlags(&packed_, cudaEventDisableTiming), "cudaEventCreate");
            cuda_check(cudaEventCreateWithFlags(&summed_, cudaEventDisableTiming), "cudaEventCreate");
        }
        cuda_check(cudaEventRecord(packed_, cuda::stream()), "cudaEventRecord");
        cuda_check(cudaStreamWaitEvent(side_, packed_, 0), "cudaStreamWaitEvent");
        sum_on(side_, data, n, share);
    }
    void wait_started() override {
        if (!side_) return;
        cuda_check(cudaEventRecord(summed_, side_), "cudaEventRecord");
        cuda_check(cudaStreamWaitEvent(cuda::stream(), summed_, 0), "cudaStreamWaitEvent");
    }

private:
    void sum_on(cudaStream_t stream, float* data, size_t n, double share) {
        float scalar = (float)share;
        ncclRedOp_t op;
        check(ncclRedOpCreatePreMulSum(&op, &scalar, ncclFloat32, ncclScalarHostImmediate, nccl_),
              "ncclRedOpCreatePreMulSum");
        check(ncclAllReduce(data, data, n, ncclFloat32, op, nccl_, stream), "ncclAllReduce");
        check(ncclRedOpDestroy(op, nccl_), "ncclRedOpDestroy");
    }
    static void cuda_check(cudaError_t rc, const char* what) {
        if (rc != cudaSuccess) throw std::runtime_error(std::string(what) + " failed: " + cudaGetErrorString(rc));
    }

    ncclComm_t nccl_ = nullptr;
    cudaStream_t side_ = nullptr;             // the overlapped sums' stream, made on first use
    cudaEvent_t packed_ = nullptr, summed_ = nullptr;
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
