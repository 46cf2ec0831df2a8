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

void check_ranks_agree(distributed::Communicator& comm, uint64_t value, const std::string& what,
                       const std::string& fix) {
    if (comm.size() == 1) return;
    uint64_t root = value;
    comm.broadcast(&root, sizeof root, 0);
    if (!any_rank(comm, root != value)) return;
    throw std::runtime_error(what + ": not the same on every rank" +
                             (root != value ? " (rank " + std::to_string(comm.rank()) + "'s is not rank 0's)" : "") +
                             ": " + fix);
}

uint64_t dataset_fingerprint(const DatasetFile& data) {
    std::string text = std::to_string(data.chunks().size()) + " " + std::to_string(data.n_mels()) + " " +
                       std::to_string(data.chunk_frames()) + " " + std::to_string(data.stored_checksum()) + "\n";
    for (const auto& [key, value] : data.header()) text += key + "=" + value + "\n";
    return fnv1a64_words(text.data(), text.size());
}

uint64_t tensors_fingerprint(const std::vector<NamedTensor>& tensors, uint64_t hash) {
    for (const NamedTensor& t : tensors) {
        std::vector<float> v = t.tensor->to_vector();
        hash = fnv1a64_words(v.data(), v.size() * sizeof(float), hash);
    }
    return hash;
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
