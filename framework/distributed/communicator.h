// Communicator: the processes of a data-parallel run ("ranks") and the few collectives training needs.
//
// Data parallelism (docs/15-data-parallel.md): N copies of the same program each take 1/N of every batch,
// compute gradients on their shard, and add them up across ranks (an all-reduce) before the optimizer step,
// so every rank applies the same update to the same weights. The communicator hides where the ranks are:
//   SingleProcess     one rank, every collective a no-op (a plain `build/melgrad train`)
//   MPI               mpi_communicator.cpp, when melgrad is built with OpenMPI and started by `mpirun`
// (GPU memory goes through NCCL instead: device_all_reduce.h, bootstrapped through this communicator.)
// world() picks one the first time it is asked. MPI_Init runs only then, and only when the environment says
// mpirun started us, so a plain start needs no MPI runtime and pays nothing.
#pragma once
#include <cstddef>
#include <memory>

namespace melgrad::distributed {

class Communicator {
public:
    virtual ~Communicator() = default;
    virtual int rank() const = 0;        // 0 .. size() - 1; rank 0 prints and writes files
    virtual int size() const = 0;        // number of ranks
    virtual int local_rank() const = 0;  // index among the ranks on this machine (which GPU to take)
    virtual int local_size() const = 0;  // ranks on this machine (how many cores each may use)
    // In place, on host memory: every rank ends with the element-wise sum over all ranks.
    virtual void all_reduce_sum(float* data, size_t n) = 0;
    virtual void all_reduce_sum(double* data, size_t n) = 0;
    // The same sum, non-blocking: starts it and returns a ticket at once; `data` must stay untouched until
    // wait(ticket) returns. Every rank must start its all-reduces in the same order. Used to overlap the
    // gradient all-reduce with backward (overlapped_all_reduce.h). This default sums at once (SingleProcess:
    // nothing to sum), so wait() has nothing left to do.
    using Ticket = size_t;
    virtual Ticket start_all_reduce_sum(float* data, size_t n) { all_reduce_sum(data, n); return 0; }
    virtual void wait(Ticket) {}
    // Lets started sums move on. OpenMPI advances a non-blocking collective only inside MPI calls (it has no
    // progress thread by default), so whoever overlaps calls this now and then.
    virtual void progress() {}
    // Rank `root`'s bytes copied to every rank (in place).
    virtual void broadcast(void* data, size_t bytes, int root) = 0;
    // Ends every rank at once with this exit code (one rank's error must not leave the others waiting forever).
    [[noreturn]] void abort(int code);
    bool is_root() const { return rank() == 0; }

protected:
    virtual void abort_other_ranks(int code) = 0;
};

class SingleProcess : public Communicator {
public:
    int rank() const override { return 0; }
    int size() const override { return 1; }
    int local_rank() const override { return 0; }
    int local_size() const override { return 1; }
    void all_reduce_sum(float*, size_t) override {}
    void all_reduce_sum(double*, size_t) override {}
    void broadcast(void*, size_t, int) override {}

protected:
    void abort_other_ranks(int) override {}
};

// The ranks mpirun started (tested with OpenMPI's OMPI_COMM_WORLD_SIZE and PMI's PMI_SIZE), 1 when none.
int launcher_world_size();

// The process's communicator, created on first use. Started by mpirun with more than one rank but built
// without MPI: std::runtime_error (N copies training alone would each write the same run folder).
Communicator& world();

// Whether this melgrad was built with MPI (the Makefile's ✓ MPI line).
bool built_with_mpi();

}  // namespace melgrad::distributed
