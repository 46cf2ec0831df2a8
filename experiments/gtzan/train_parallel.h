// The data-parallel side of training (docs/15-data-parallel.md): what each rank of `mpirun -np N melgrad
// train` does differently from a single process. One process is the case N = 1, where all of it is a no-op.
//
//   every global batch (--batch, the same shuffle on every rank) is cut into N contiguous shards, one per rank
//   the gradients are averaged over the global batch (framework/distributed/gradient_buckets.h)
//   the loss and accuracy of a step, and the validation results, are summed over the ranks
//   BatchNorm's running statistics are copied from rank 0 before validation (per-rank BatchNorm lets them drift)
//   rank 0 alone prints and writes files; a Ctrl-C seen by any rank stops every rank after the same batch
//   at the start, the ranks check that they read the same dataset and start from the same weights and place
#pragma once
#include <cstddef>

#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/metrics.h"
#include "framework/distributed/communicator.h"
#include "framework/module.h"

namespace melgrad::gtzan {

// Rows [begin, end) of a global batch: this rank's part, [first, last). The shards differ by one row at most.
struct Shard {
    size_t first, last;
    size_t size() const { return last - first; }
};
Shard rank_shard(size_t begin, size_t end, int rank, int ranks);

// --batch B among N ranks: std::invalid_argument unless N divides B.
void check_batch_divides(int batch, int ranks);

// --threads 0 (all cores) with N ranks on this machine: each rank gets its share of the cores.
int threads_per_rank(int requested, const distributed::Communicator& comm);

// The running sums of some samples (a step, a validation): summed over every rank in place.
struct SampleSums {
    double loss_sum = 0, correct = 0, seen = 0;
};
void sum_over_ranks(distributed::Communicator& comm, SampleSums& sums);
void sum_over_ranks(distributed::Communicator& comm, Confusion& confusion);

// True on every rank when `mine` is true on any rank (a Ctrl-C must stop all ranks after the same batch).
bool any_rank(distributed::Communicator& comm, bool mine);

// Every buffer (BatchNorm's running statistics) := rank 0's, so all ranks validate and save the same model.
void broadcast_buffers(distributed::Communicator& comm, Module& model);

// Ranks that silently differ (another copy of the dataset on another machine, a last.ckpt that one rank does
// not see) would train garbage or wait forever. Rank 0's `value` is sent to all; where it differs, every rank
// throws std::runtime_error: "<what>: not the same on every rank (rank R's is not rank 0's): <fix>".
void check_ranks_agree(distributed::Communicator& comm, uint64_t value, const std::string& what,
                       const std::string& fix);
// Fingerprints for it: the dataset's sizes, header and stored checksum (nothing read from the data); every
// value of some tensors (weights, optimizer state).
uint64_t dataset_fingerprint(const DatasetFile& data);
uint64_t tensors_fingerprint(const std::vector<NamedTensor>& tensors, uint64_t hash = 0xcbf29ce484222325ull);

}  // namespace melgrad::gtzan
