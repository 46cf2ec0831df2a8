// Tensor::grad_to_write(): a backward pass that writes a fresh gradient (=) must give what grad() and +=
// give, and when the gradient already holds values (the tensor was used twice, or zero_grad() kept it) it
// must still add. For every layer that uses it, on both CPU paths: run backward once into a fresh gradient
// (g), once into a gradient that already holds random values g0, and check the second is g0 + g.
#include <doctest/doctest.h>

#include "framework/backend.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/conv2d.h"
#include "framework/layers/pool2d.h"
#include "framework/layers/relu.h"
#include "tests/framework/gradcheck.h"

using namespace melgrad;
using namespace melgrad::testing;

namespace {

// x's gradient after one backward pass through `layer` seeded with a fixed random output gradient; with
// `existing` defined, x.grad() is set to it before the pass (so the pass must add to it).
std::vector<float> input_grad(Module& layer, const Tensor& x_in, const Tensor& existing) {
    Tensor x = x_in.clone();
    x.set_requires_grad(true);
    if (existing.defined()) x.grad().copy_from(existing);
    current_tape().clear();
    Tensor y = layer.forward(x);
    Tensor r(y.shape());
    Rng rng(7);
    fill_normal(r, rng);
    current_tape().backward(y, r);
    return x.grad().to_vector();
}

void check_adds_to_existing(Module& layer, const Tensor& x, const std::string& what) {
    for (CpuPath path : {CpuPath::Reference, CpuPath::Fast}) {
        CpuPath saved = cpu_path();
        set_cpu_path(path);
        INFO(what << ", " << cpu_path_name(path) << " path");
        std::vector<float> fresh = input_grad(layer, x, Tensor());
        Tensor g0(x.shape());
        Rng rng(3);
        fill_normal(g0, rng);
        std::vector<float> added = input_grad(layer, x, g0), expected(fresh.size());
        for (size_t i = 0; i < fresh.size(); i++) expected[i] = g0.at(i) + fresh[i];
        CHECK(scaled_max_error(added, expected) <= 1e-6);
        set_cpu_path(saved);
    }
}

}  // namespace

TEST_CASE("grad_to_write: a fresh gradient is allocated without zeros, an existing one is kept") {
    Tensor t({3, 4});
    bool accumulate = true;
    Tensor& g = t.grad_to_write(accumulate);
    CHECK_FALSE(accumulate);
    CHECK(g.shape() == t.shape());
    g.fill(2.0f);
    Tensor& again = t.grad_to_write(accumulate);
    CHECK(accumulate);
    CHECK(again.at(5) == 2.0f);
}

TEST_CASE("grad_to_write: ReLU, BatchNorm2d, MaxPool2d and Conv2d add into a gradient that already holds values") {
    Rng rng(11);
    Tensor x({3, 4, 7, 9});  // odd sizes: max pooling leaves a row and a column out of every window
    fill_normal(x, rng);
    ReLU relu;
    check_adds_to_existing(relu, x, "ReLU");
    BatchNorm2d bn(4);
    check_adds_to_existing(bn, x, "BatchNorm2d (train)");
    bn.eval();
    check_adds_to_existing(bn, x, "BatchNorm2d (eval)");
    MaxPool2d pool(2);
    check_adds_to_existing(pool, x, "MaxPool2d(2)");
    MaxPool2d pool3(3, 2);
    check_adds_to_existing(pool3, x, "MaxPool2d(3, stride 2)");
    Conv2d conv(4, 5, 3, 1, 1);
    check_adds_to_existing(conv, x, "Conv2d(4, 5, 3, padding 1)");
    Conv2d strided(4, 3, 3, 2, 0);
    check_adds_to_existing(strided, x, "Conv2d(4, 3, 3, stride 2)");
}
