// OverlappedAllReduce: the gradient all-reduce started during backward, bucket by bucket, as soon as a
// bucket's gradients are final, so the sums travel while the earlier layers' backward still computes (what
// PyTorch's DDP does). It watches the backward pass as a Tape::Observer:
//
//   before the first node runs   it counts, for every parameter, the tape nodes that add to its gradient
//                                (TapeNode::weights()): usually one, two for a layer used twice
//   after each node              it counts those down; a parameter whose count reaches 0 is final. A bucket
//                                whose parameters are all final starts (GradientAllReduce::start), but only
//                                after every earlier bucket: all ranks must start them in the same order
//   finish(), after backward     starts the buckets left (a parameter no node listed is final only now),
//                                then waits for all of them: call it right before the optimizer step
//
// Buckets are filled last layer first, the order backward finishes them, so bucket 0 usually starts after
// the last layer's backward and the last bucket at the end. One object per step.
#pragma once
#include <cstddef>
#include <vector>

#include "framework/distributed/gradient_buckets.h"
#include "framework/tape.h"

namespace melgrad::distributed {

class OverlappedAllReduce : public Tape::Observer {
public:
    // share: this rank's n_r / n, as for GradientAllReduce::all_reduce().
    OverlappedAllReduce(GradientAllReduce& gradients, double share);

    void before_backward(const Tape& tape) override;
    void before_node(size_t, const TapeNode&) override {}
    void after_node(size_t index, const TapeNode& node) override;
    // After backward: every bucket started and waited for; the gradients hold the sums.
    void finish();

    size_t buckets_started() const { return next_bucket_; }

private:
    void gradient_final(size_t param);
    void start_ready_buckets();

    GradientAllReduce& gradients_;
    double share_;
    std::vector<std::vector<size_t>> params_of_node_;  // per tape index: the parameters its backward adds to
    std::vector<int> uses_left_;                       // per parameter: nodes still to run that add to it
    std::vector<size_t> not_final_;                    // per bucket: its parameters not final yet
    std::vector<size_t> bucket_of_;                    // per parameter
    size_t next_bucket_ = 0;                           // buckets [0, next_bucket_) have started
};

}  // namespace melgrad::distributed
