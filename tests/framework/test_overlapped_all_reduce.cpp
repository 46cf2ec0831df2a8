// framework/distributed/overlapped_all_reduce.h without MPI: when each gradient bucket's all-reduce starts
// during backward, and that all are waited for, each once, before finish() returns. A stand-in for two ranks
// with identical data logs every start and wait beside the tape nodes as they finish, and doubles a bucket
// only when it is waited for (as a real all-reduce may write it any time until then); and that every layer
// with weights in the builtin models lists them (TapeNode::weights()). The real thing, two
// processes under mpirun, overlapped and not: tests/experiments/test_data_parallel.cpp.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "framework/distributed/overlapped_all_reduce.h"
#include "framework/layers/linear.h"
#include "framework/layers/relu.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/rng.h"

using namespace melgrad;

namespace {

class LoggedPair : public distributed::Communicator {
public:
    explicit LoggedPair(std::vector<std::string>& log) : log_(log) {}
    int rank() const override { return 0; }
    int size() const override { return 2; }
    int local_rank() const override { return 0; }
    int local_size() const override { return 2; }
    void all_reduce_sum(float* v, size_t n) override { double_it(v, n); }
    void all_reduce_sum(double* v, size_t n) override { for (size_t i = 0; i < n; i++) v[i] *= 2; }
    void broadcast(void*, size_t, int) override {}
    Ticket start_all_reduce_sum(float* v, size_t n) override {
        log_.push_back("start " + std::to_string(started_.size()));
        started_.push_back({v, n});
        return started_.size() - 1;
    }
    void wait(Ticket t) override {
        log_.push_back("wait " + std::to_string(t));
        REQUIRE(t < started_.size());
        REQUIRE(waited.insert(t).second);  // never the same ticket twice
        double_it(started_[t].first, started_[t].second);
    }
    std::set<Ticket> waited;

private:
    static void double_it(float* v, size_t n) { for (size_t i = 0; i < n; i++) v[i] *= 2; }
    void abort_other_ranks(int) override {}
    std::vector<std::string>& log_;
    std::vector<std::pair<float*, size_t>> started_;
};

// Logs "node K" when node K's backward is done, before the buckets it completes start.
struct LoggedOverlap : distributed::OverlappedAllReduce {
    LoggedOverlap(distributed::GradientAllReduce& g, double share, std::vector<std::string>& log)
        : OverlappedAllReduce(g, share), log(log) {}
    void after_node(size_t index, const TapeNode& node) override {
        log.push_back("node " + std::to_string(index));
        OverlappedAllReduce::after_node(index, node);
    }
    std::vector<std::string>& log;
};

Tensor random_tensor(const Shape& s, uint64_t seed) {
    Rng rng(seed);
    std::vector<float> v(shape_numel(s));
    for (float& x : v) x = (float)rng.uniform() * 2 - 1;
    return Tensor::from_vector(s, v);
}

std::vector<std::vector<float>> grads_of(const std::vector<NamedTensor>& params) {
    std::vector<std::vector<float>> g;
    for (const NamedTensor& p : params) g.push_back(p.tensor->grad().to_vector());
    return g;
}

// forward(x) records the tape; run once plain, once overlapped with one bucket per parameter (share 0.25:
// two ranks give 2 * 0.25 = half the plain gradient, exactly). Returns the overlapped run's log.
template <class Forward>
std::vector<std::string> overlapped_log(std::vector<NamedTensor> params, Forward forward) {
    const Tensor x = random_tensor({3, 4}, 1), dy = random_tensor({3, 2}, 2);
    for (NamedTensor& p : params) p.tensor->zero_grad();
    Tensor y = forward(x);
    current_tape().backward(y, dy);
    const auto plain = grads_of(params);

    std::vector<std::string> log;
    LoggedPair pair(log);
    distributed::GradientAllReduce gradients(pair, params, 1);
    for (NamedTensor& p : params) p.tensor->zero_grad();
    y = forward(x);
    LoggedOverlap overlap(gradients, 0.25, log);
    current_tape().backward(y, dy, &overlap);
    log.push_back("backward done");
    overlap.finish();
    log.push_back("finished");
    const auto got = grads_of(params);
    for (size_t i = 0; i < params.size(); i++)
        for (size_t k = 0; k < got[i].size(); k++) REQUIRE(got[i][k] == 0.5f * plain[i][k]);
    CHECK(pair.waited.size() == gradients.bucket_count());
    return log;
}

}  // namespace

TEST_CASE("overlapped all-reduce: a bucket starts as soon as backward has finished its gradients, in order") {
    Linear first(4, 5), second(5, 2);
    ReLU relu;
    std::vector<NamedTensor> params = first.parameters();
    for (const NamedTensor& p : second.parameters()) params.push_back(p);
    // tape: node 0 first, node 1 relu, node 2 second; buckets, last layer first: second's bias, its weight,
    // first's bias, its weight
    auto log = overlapped_log(params, [&](const Tensor& x) { return second(relu(first(x))); });
    CHECK(log == std::vector<std::string>{"node 2", "start 0", "start 1", "node 1", "node 0", "start 2", "start 3",
                                          "backward done", "wait 0", "wait 1", "wait 2", "wait 3", "finished"});
}

TEST_CASE("overlapped all-reduce: a parameter used twice is final only after its first use's backward") {
    Linear shared(4, 4), head(4, 2);
    ReLU relu;
    std::vector<NamedTensor> params = shared.parameters();
    for (const NamedTensor& p : head.parameters()) params.push_back(p);
    // tape: node 0 shared, node 1 relu, node 2 shared again, node 3 head
    auto log = overlapped_log(params, [&](const Tensor& x) { return head(shared(relu(shared(x)))); });
    CHECK(log == std::vector<std::string>{"node 3", "start 0", "start 1", "node 2", "node 1", "node 0", "start 2",
                                          "start 3", "backward done", "wait 0", "wait 1", "wait 2", "wait 3",
                                          "finished"});
}

TEST_CASE("overlapped all-reduce: a parameter no node lists holds its bucket and the later ones to the end") {
    Linear first(4, 5), second(5, 2);
    ReLU relu;
    Tensor unused({3});
    unused.set_requires_grad(true);
    std::vector<NamedTensor> params = first.parameters();
    params.push_back({"unused", &unused});
    for (const NamedTensor& p : second.parameters()) params.push_back(p);
    // buckets: second's bias, its weight, unused, first's bias, its weight
    auto log = overlapped_log(params, [&](const Tensor& x) { return second(relu(first(x))); });
    CHECK(log == std::vector<std::string>{"node 2", "start 0", "start 1", "node 1", "node 0", "backward done",
                                          "start 2", "start 3", "start 4", "wait 0", "wait 1", "wait 2", "wait 3",
                                          "wait 4", "finished"});
}

// Every layer with weights lists them in TapeNode::weights(): in each builtin model, every bucket (one per
// parameter) has started by the time backward ends, none left for finish() to start late.
TEST_CASE("overlapped all-reduce: in the builtin models every parameter's bucket starts during backward") {
    for (const std::string& name : builtin_model_names()) {
        INFO(name);
        BuiltModel built = build_model(resolve_model_text(name), name);
        Shape batch = built.input_shape;
        batch.insert(batch.begin(), 2);
        std::vector<std::string> log;
        LoggedPair pair(log);
        distributed::GradientAllReduce gradients(pair, built.model->parameters(), 1);
        Tensor loss = softmax_cross_entropy(built.model->forward(random_tensor(batch, 3)), {1, 7});
        distributed::OverlappedAllReduce overlap(gradients, 0.5);
        current_tape().backward(loss, &overlap);
        CHECK(overlap.buckets_started() == gradients.bucket_count());
        overlap.finish();
        CHECK(pair.waited.size() == gradients.bucket_count());
    }
}
