#include "framework/distributed/overlapped_all_reduce.h"

namespace melgrad::distributed {

OverlappedAllReduce::OverlappedAllReduce(GradientAllReduce& gradients, double share)
    : gradients_(gradients), share_(share) {
    const size_t params = gradients.parameters().size();
    uses_left_.assign(params, 0);
    bucket_of_.resize(params);
    for (size_t b = 0; b < gradients.bucket_count(); b++) {
        not_final_.push_back(gradients.last(b) - gradients.first(b));
        for (size_t p = gradients.first(b); p < gradients.last(b); p++) bucket_of_[p] = b;
    }
}

// Which parameters each node adds to, matched by storage (a node holds the parameter's tensor, not a copy).
void OverlappedAllReduce::before_backward(const Tape& tape) {
    const std::vector<NamedTensor>& params = gradients_.parameters();
    params_of_node_.assign(tape.size(), {});
    for (size_t k = 0; k < tape.size(); k++)
        for (const Tensor* w : tape.node(k).weights())
            for (size_t p = 0; p < params.size(); p++)
                if (w->same_storage(*params[p].tensor)) {
                    params_of_node_[k].push_back(p);
                    uses_left_[p]++;
                }
}

void OverlappedAllReduce::after_node(size_t index, const TapeNode&) {
    for (size_t p : params_of_node_[index])
        if (--uses_left_[p] == 0) gradient_final(p);
    start_ready_buckets();
    gradients_.progress();  // lets the buckets already started move on (MPI: only inside MPI calls)
}

void OverlappedAllReduce::gradient_final(size_t param) { not_final_[bucket_of_[param]]--; }

void OverlappedAllReduce::start_ready_buckets() {
    while (next_bucket_ < not_final_.size() && not_final_[next_bucket_] == 0)
        gradients_.start(next_bucket_++, share_);
}

void OverlappedAllReduce::finish() {
    while (next_bucket_ < not_final_.size()) gradients_.start(next_bucket_++, share_);
    gradients_.wait_all();
}

}  // namespace melgrad::distributed
