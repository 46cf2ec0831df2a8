// Communicator over MPI (OpenMPI here): MPI_Allreduce with MPI_SUM for the gradients and BatchNorm's sums
// (MPI_Iallreduce when the gradients' all-reduce overlaps backward),
// MPI_Bcast for the buffers. Built only when the Makefile found MPI (it defines MELGRAD_MPI=1).
#include "framework/distributed/mpi_communicator.h"

#include <stdexcept>

#if MELGRAD_MPI
// the C API only: OpenMPI's C++ bindings (deprecated since MPI-2.2) would warn and link libmpi_cxx
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace melgrad::distributed {

namespace {

void check(int rc, const char* what) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    throw std::runtime_error(std::string(what) + " failed: " + std::string(text, len));
}

// MPI counts are int: a longer buffer goes in pieces.
template <class T, class F> void in_pieces(T* data, size_t n, F&& f) {
    const size_t piece = (size_t)INT_MAX / 2;
    for (size_t at = 0; at < n; at += piece) f(data + at, (int)std::min(piece, n - at));
}

class MpiCommunicator : public Communicator {
public:
    MpiCommunicator() {
        int initialised = 0;
        MPI_Initialized(&initialised);
        if (!initialised) {
            check(MPI_Init(nullptr, nullptr), "MPI_Init");
            std::atexit([] { int done = 0; MPI_Finalized(&done); if (!done) MPI_Finalize(); });
        }
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
        // The ranks sharing this machine's memory: their index picks the GPU, their count splits the cores.
        MPI_Comm local;
        check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local),
              "MPI_Comm_split_type");
        MPI_Comm_rank(local, &local_rank_);
        MPI_Comm_size(local, &local_size_);
        MPI_Comm_free(&local);
    }
    int rank() const override { return rank_; }
    int size() const override { return size_; }
    int local_rank() const override { return local_rank_; }
    int local_size() const override { return local_size_; }
    void all_reduce_sum(float* data, size_t n) override {
        in_pieces(data, n, [](float* p, int k) {
            check(MPI_Allreduce(MPI_IN_PLACE, p, k, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
        });
    }
    void all_reduce_sum(double* data, size_t n) override {
        in_pieces(data, n, [](double* p, int k) {
            check(MPI_Allreduce(MPI_IN_PLACE, p, k, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
        });
    }
    Ticket start_all_reduce_sum(float* data, size_t n) override {
        std::vector<MPI_Request>& requests = pending_[next_ticket_];
        in_pieces(data, n, [&requests](float* p, int k) {
            requests.emplace_back();
            check(MPI_Iallreduce(MPI_IN_PLACE, p, k, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &requests.back()),
                  "MPI_Iallreduce");
        });
        return next_ticket_++;
    }
    void wait(Ticket ticket) override {
        auto it = pending_.find(ticket);
        if (it == pending_.end())  // never started, or already waited for
            throw std::logic_error("MPI wait: no all-reduce pending as ticket " + std::to_string(ticket));
        check(MPI_Waitall((int)it->second.size(), it->second.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
        pending_.erase(it);
    }
    void progress() override {
        for (auto& [ticket, requests] : pending_) {
            int done = 0;  // MPI_Testall advances the requests; whether they are done is wait()'s business
            check(MPI_Testall((int)requests.size(), requests.data(), &done, MPI_STATUSES_IGNORE), "MPI_Testall");
        }
    }
    void broadcast(void* data, size_t bytes, int root) override {
        in_pieces(static_cast<char*>(data), bytes, [root](char* p, int k) {
            check(MPI_Bcast(p, k, MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
        });
    }

private:
    void abort_other_ranks(int code) override { MPI_Abort(MPI_COMM_WORLD, code); }

    int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
    std::map<Ticket, std::vector<MPI_Request>> pending_;  // started, not yet waited for
    Ticket next_ticket_ = 0;
};

}  // namespace

bool mpi_available() { return true; }
std::unique_ptr<Communicator> make_mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

}  // namespace melgrad::distributed

#else  // built without MPI

namespace melgrad::distributed {
bool mpi_available() { return false; }
std::unique_ptr<Communicator> make_mpi_communicator() {
    throw std::runtime_error("this melgrad was built without MPI (install libopenmpi-dev, see tools/setup.sh, and rebuild)");
}
}  // namespace melgrad::distributed

#endif
