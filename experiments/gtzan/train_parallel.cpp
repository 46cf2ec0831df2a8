#include "experiments/gtzan/train_parallel.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace melgrad::gtzan {

Shard rank_shard(size_t begin, size_t end, int rank, int ranks) {
    const size_t n = end - begin;
    return Shard{begin + n * rank / ranks, begin + n * (rank + 1) / ranks};
}

void check_batch_divides(int batch, int ranks) {
    if (batch % ranks != 0)
        throw std::invalid_argument("--batch " + std::to_string(batch) + " does not divide among " +
                                    std::to_string(ranks) + " ranks: --batch is the global batch, each rank takes " +
                                    "batch / ranks samples; give a multiple of " + std::to_string(ranks));
}

int threads_per_rank(int requested, const distributed::Communicator& comm) {
    if (requested > 0 || comm.local_size() == 1) return requested;
    const int cores = (int)std::max(1u, std::thread::hardware_concurrency());
    return std::max(1, cores / comm.local_size());
}

void sum_over_ranks(distributed::Communicator& comm, SampleSums& s) {
    double v[3] = {s.loss_sum, s.correct, s.seen};
    comm.all_reduce_sum(v, 3);
    s = SampleSums{v[0], v[1], v[2]};
}

void sum_over_ranks(distributed::Communicator& comm, Confusion& confusion) {
    std::vector<double> counts(confusion.counts.begin(), confusion.counts.end());  // exact below 2^53
    comm.all_reduce_sum(counts.data(), counts.size());
    for (size_t i = 0; i < counts.size(); i++) confusion.counts[i] = (long)counts[i];
}

bool any_rank(distributed::Communicator& comm, bool mine) {
    double v = mine ? 1 : 0;
    comm.all_reduce_sum(&v, 1);
    return v > 0;
}

void broadcast_buffers(distributed::Communicator& comm, Module& model) {
    if (comm.size() == 1) return;
    for (NamedTensor& b : model.buffers()) {
        std::vector<float> host = b.tensor->to_vector();
        comm.broadcast(host.data(), host.size() * sizeof(float), 0);
        b.tensor->copy_from(Tensor::from_vector(b.tensor->shape(), host));
    }
}

}  // namespace melgrad::gtzan
