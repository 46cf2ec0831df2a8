// framework/distributed/ without MPI: the gradient buckets and synchronised BatchNorm against a stand-in
// communicator whose "other rank" holds exactly this rank's data (an all-reduce doubles every value). The
// real thing, two processes under mpirun, is tested end to end in tests/experiments/test_data_parallel.cpp.
#include <doctest/doctest.h>

#include <vector>

#include "framework/distributed/communicator.h"
#include "framework/distributed/gradient_buckets.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/sequential.h"
#include "framework/layers/linear.h"
#include "framework/rng.h"
#include "framework/tape.h"

using namespace melgrad;

namespace {

// Two ranks with identical data: a sum over ranks is twice this rank's value. Counts the collectives.
class MirroredPair : public distributed::Communicator {
public:
    int rank() const override { return 0; }
    int size() const override { return 2; }
    int local_rank() const override { return 0; }
    int local_size() const override { return 2; }
    void all_reduce_sum(float* v, size_t n) override { calls++; floats.push_back(n); for (size_t i = 0; i < n; i++) v[i] *= 2; }
    void all_reduce_sum(double* v, size_t n) override { calls++; for (size_t i = 0; i < n; i++) v[i] *= 2; }
    void broadcast(void*, size_t, int) override {}
    int calls = 0;
    std::vector<size_t> floats;  // the length of each float all-reduce (one per bucket)

protected:
    void abort_other_ranks(int) override {}
};

Tensor random_tensor(const Shape& s, uint64_t seed) {
    Rng rng(seed);
    std::vector<float> v(shape_numel(s));
    for (float& x : v) x = (float)rng.uniform() * 2 - 1;
    return Tensor::from_vector(s, v);
}

}  // namespace

TEST_CASE("gradient buckets: several parameters per all-reduce, the same gradients whatever the bucket size") {
    Sequential model;
    model.emplace<Linear>(6, 5).emplace<Linear>(5, 4).emplace<Linear>(4, 3);  // 35 + 24 + 15 = 74 floats
    std::vector<NamedTensor> params = model.parameters();
    std::vector<std::vector<float>> want;
    for (size_t i = 0; i < params.size(); i++) {
        params[i].tensor->grad().copy_from(random_tensor(params[i].tensor->shape(), 10 + i));
        want.push_back(params[i].tensor->grad().to_vector());
    }
    std::vector<size_t> buckets_seen;
    for (size_t bucket_bytes : {size_t(1), size_t(4 * 40), size_t(1 << 20)}) {
        for (size_t i = 0; i < params.size(); i++)
            params[i].tensor->grad().copy_from(Tensor::from_vector(params[i].tensor->shape(), want[i]));
        MirroredPair pair;
        distributed::GradientAllReduce reduce(pair, params, bucket_bytes);
        reduce.all_reduce(0.5);  // each of the two ranks holds half the batch
        for (size_t i = 0; i < params.size(); i++) {
            std::vector<float> got = params[i].tensor->grad().to_vector();
            for (size_t k = 0; k < got.size(); k++) REQUIRE(got[k] == want[i][k]);  // 2 * 0.5 * g, exactly
        }
        CHECK(pair.calls == (int)reduce.bucket_count());
        for (size_t n : pair.floats) CHECK((n <= 40 || bucket_bytes != 160));  // a bucket holds at most its size
        buckets_seen.push_back(reduce.bucket_count());
    }
    // one per parameter; last layer first, up to 40 floats: 3+12+4+20 | 5+30; all in one
    CHECK(buckets_seen == std::vector<size_t>{6, 2, 1});
}

// With identical shards the shard's mean and variance are the whole batch's, so y and dx alone cannot tell
// synced from per-rank statistics: the unbiased running variance (m/(m-1) with the global m) and the count
// of collectives do. Different shards on two real ranks: tests/experiments/test_data_parallel.cpp.
TEST_CASE("sync BatchNorm: two ranks with the same shard normalise as one process with both shards") {
    const int N = 3, C = 4, H = 2, W = 5;
    Tensor x = random_tensor({N, C, H, W}, 1), dy = random_tensor({N, C, H, W}, 2);
    std::vector<float> xs = x.to_vector(), dys = dy.to_vector();
    std::vector<float> x2 = xs, dy2 = dys;  // the whole batch: this shard twice
    x2.insert(x2.end(), xs.begin(), xs.end());
    dy2.insert(dy2.end(), dys.begin(), dys.end());

    auto run = [&](BatchNorm2d& bn, const Tensor& input, const Tensor& grad_out) {
        Tensor in = input.clone();
        in.set_requires_grad(true);
        Tensor y = bn.forward(in);
        current_tape().backward(y, grad_out);
        return std::vector<std::vector<float>>{y.to_vector(), in.grad().to_vector(), bn.weight.grad().to_vector(),
                                               bn.running_var.to_vector()};
    };
    BatchNorm2d one(C), synced(C);
    MirroredPair pair;
    synced.set_statistics_sync(&pair);
    auto whole = run(one, Tensor::from_vector({2 * N, C, H, W}, x2), Tensor::from_vector({2 * N, C, H, W}, dy2));
    auto mine = run(synced, x, dy);
    CHECK(pair.calls == 3);  // forward: sums, squares; backward: the gradient sums
    for (size_t i = 0; i < mine[0].size(); i++) {
        REQUIRE(mine[0][i] == doctest::Approx(whole[0][i]).epsilon(1e-6));  // y
        REQUIRE(mine[1][i] == doctest::Approx(whole[1][i]).epsilon(1e-5));  // dx
    }
    for (int c = 0; c < C; c++) {
        CHECK(2 * mine[2][c] == doctest::Approx(whole[2][c]).epsilon(1e-6));  // dgamma: this rank's half
        CHECK(mine[3][c] == doctest::Approx(whole[3][c]).epsilon(1e-6));      // running_var, unbiased over 2N
    }
}

// GPU only (skipped here without one): the NCCL path of the gradient buckets, one rank, end to end through
// ncclCommInitRank and a pre-multiplied sum. Two ranks need two GPUs (NCCL refuses two ranks on one GPU).
TEST_CASE("cuda: gradient buckets on the GPU: NCCL all-reduces in GPU memory, scaled by the rank's share" *
          doctest::skip(!cuda_available() || !distributed::nccl_available()) *
          doctest::description("needs a GPU and a build with NCCL")) {
    Sequential model;
    model.emplace<Linear>(6, 5).emplace<Linear>(5, 3);
    model.to(Device::CUDA);
    std::vector<NamedTensor> params = model.parameters();
    std::vector<std::vector<float>> want;
    for (size_t i = 0; i < params.size(); i++) {
        Tensor g = random_tensor(params[i].tensor->shape(), 20 + i);
        params[i].tensor->grad().copy_from(g);
        want.push_back(g.to_vector());
    }
    distributed::SingleProcess one;
    auto nccl = distributed::make_nccl_all_reduce(one);
    distributed::GradientAllReduce reduce(one, params, 4 * 30, nccl.get());
    reduce.all_reduce(0.25);
    for (size_t i = 0; i < params.size(); i++) {
        std::vector<float> got = params[i].tensor->grad().to_vector();
        for (size_t k = 0; k < got.size(); k++) REQUIRE(got[k] == 0.25f * want[i][k]);
    }
    CHECK(reduce.bucket_count() == 2);  // 3 + 15 + 5 | 30 (last layer first, at most 30 floats a bucket)
}
