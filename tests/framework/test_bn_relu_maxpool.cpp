// The fast path's fused BatchNorm2d -> ReLU -> MaxPool2d(2) (framework/layers/bn_relu_maxpool.h) against the three
// layers run one by one on the reference path: the same output and running statistics to the bit, the same
// gradients up to the order of float sums, in training and in evaluation, at 1 and 2 threads.
#include <doctest/doctest.h>

#include <memory>

#include "framework/backend.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/pool2d.h"
#include "framework/layers/relu.h"
#include "framework/layers/sequential.h"
#include "tests/framework/gradcheck.h"

using namespace melgrad;
using namespace melgrad::testing;

namespace {

struct BlockRun {
    std::vector<float> out, dx, dgamma, dbeta, running_mean, running_var;
    size_t tape_nodes = 0;
};

// A fresh block (gamma, beta and running statistics not at their defaults, so that every term counts), run on one
// path: forward on x (twice when `twice`, the outputs added, so that x's gradient is accumulated), then backward
// from a fixed random output gradient.
BlockRun run_block(const Tensor& x_in, bool training, bool twice, CpuPath path, int threads) {
    Sequential block;
    block.emplace<BatchNorm2d>(x_in.dim(1));
    block.emplace<ReLU>();
    block.emplace<MaxPool2d>(2);
    auto& bn = static_cast<BatchNorm2d&>(block[0]);
    Rng init(3);
    fill_normal(bn.weight, init);
    fill_normal(bn.bias, init, 0.5f);
    fill_normal(bn.running_mean, init, 0.2f);
    for (size_t i = 0; i < bn.running_var.numel(); i++) bn.running_var.at(i) = 0.5f + 0.1f * (float)i;
    block.set_training(training);

    const CpuPath saved_path = cpu_path();
    const int saved_threads = num_threads();
    set_cpu_path(path);
    set_num_threads(threads);
    Tensor x = x_in.clone();
    x.set_requires_grad(true);
    current_tape().clear();
    BlockRun r;
    Tensor out = block.forward(x);
    r.tape_nodes = current_tape().size();
    Tensor seed(out.shape());
    Rng rng(11);
    fill_normal(seed, rng);
    if (twice) {
        Tensor again = block.forward(x);
        current_tape().backward(again, seed);  // x's gradient written here, then added to below
        current_tape().clear();
    }
    current_tape().backward(out, seed);
    r.out = out.to_vector();
    r.dx = x.grad().to_vector();
    r.dgamma = bn.weight.grad().to_vector();
    r.dbeta = bn.bias.grad().to_vector();
    r.running_mean = bn.running_mean.to_vector();
    r.running_var = bn.running_var.to_vector();
    set_cpu_path(saved_path);
    set_num_threads(saved_threads);
    return r;
}

Tensor random_input(const Shape& shape, uint64_t seed) { return normal_tensor(shape, seed, 2.0f); }

void compare_with_reference(const Tensor& x, bool training, bool twice) {
    const BlockRun ref = run_block(x, training, twice, CpuPath::Reference, 1);
    CHECK(ref.tape_nodes == 3);  // the reference path runs the three layers
    for (int threads : {1, 2}) {
        INFO((training ? "training" : "evaluation") << (twice ? ", x used twice" : "") << ", " << threads
                                                    << " thread(s), input " << shape_str(x.shape()));
        const BlockRun fast = run_block(x, training, twice, CpuPath::Fast, threads);
        CHECK(fast.tape_nodes == 1);  // fused: one node for the three layers
        CHECK(fast.out == ref.out);   // the same float operations: the same bits
        CHECK(fast.running_mean == ref.running_mean);
        CHECK(fast.running_var == ref.running_var);
        CHECK(scaled_max_error(fast.dx, ref.dx) <= 1e-5);
        CHECK(scaled_max_error(fast.dgamma, ref.dgamma) <= 1e-5);
        CHECK(scaled_max_error(fast.dbeta, ref.dbeta) <= 1e-5);
    }
}

}  // namespace

TEST_CASE("fused BatchNorm2d + ReLU + MaxPool2d: the fast path matches the three layers on the reference path") {
    for (bool training : {true, false}) {
        compare_with_reference(random_input({3, 5, 6, 10}, 1), training, false);
        compare_with_reference(random_input({2, 16, 32, 32}, 2), training, false);  // large enough for threads
    }
    compare_with_reference(random_input({3, 5, 6, 10}, 4), true, true);  // dx accumulated, not written
}

TEST_CASE("fused BatchNorm2d + ReLU + MaxPool2d: ties and an all-negative window pass the gradient as the layers do") {
    // whole rows of equal values: every window holds ties, and after ReLU many windows are all zero
    Tensor x({2, 3, 4, 6});
    for (size_t i = 0; i < x.numel(); i++) x.at(i) = (float)((int)(i / 6) % 3) - 1.0f;
    compare_with_reference(x, true, false);
    compare_with_reference(x, false, false);
}

TEST_CASE("fused BatchNorm2d + ReLU + MaxPool2d: not fused where it does not apply") {
    const BlockRun odd = run_block(random_input({2, 3, 5, 6}, 5), true, false, CpuPath::Fast, 1);
    CHECK(odd.tape_nodes == 3);  // an odd height: max-pool drops the last row, the layers run one by one
    Sequential other;
    other.emplace<BatchNorm2d>(3);
    other.emplace<ReLU>();
    other.emplace<MaxPool2d>(3);  // another window
    const CpuPath saved = cpu_path();
    set_cpu_path(CpuPath::Fast);
    current_tape().clear();
    Tensor x = random_input({2, 3, 6, 6}, 6);
    x.set_requires_grad(true);
    other.forward(x);
    CHECK(current_tape().size() == 3);
    current_tape().clear();
    set_cpu_path(saved);
}
