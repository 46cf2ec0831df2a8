#include <doctest/doctest.h>

#include <stdexcept>

#include "framework/rng.h"
#include "framework/tape.h"
#include "framework/tensor.h"

using namespace melgrad;

TEST_CASE("tensor: shape, reshape shares storage, clone copies") {
    Tensor t = Tensor::from_vector({2, 3}, {1, 2, 3, 4, 5, 6});
    CHECK(t.numel() == 6);
    CHECK(t.dim(-1) == 3);
    CHECK(shape_str(t.shape()) == "(2, 3)");
    Tensor r = t.reshape({3, 2});
    r.at(0) = 10;
    CHECK(t.at(0) == 10);
    Tensor c = t.clone();
    c.at(1) = 20;
    CHECK(t.at(1) == 2);
    CHECK_THROWS_AS(t.reshape(Shape({4, 2})), std::invalid_argument);
    CHECK_THROWS(t.at(6));
}

TEST_CASE("tensor: grad is lazily zero and accumulates") {
    Tensor t = Tensor::zeros({4});
    CHECK_FALSE(t.has_grad());
    t.grad().at(2) += 1.5f;
    t.grad().at(2) += 1.5f;
    CHECK(t.grad().at(2) == 3.0f);
    t.zero_grad();
    CHECK(t.grad().at(2) == 0.0f);
}

TEST_CASE("rng: fixed seed gives fixed numbers on every machine") {
    Rng a(42), b(42), c(43);
    uint64_t x = a.next_u64();
    CHECK(x == b.next_u64());
    CHECK(x != c.next_u64());
    // SplitMix64's first output for seed 42 (state 42 + golden gamma): a published constant.
    Rng d(0);
    CHECK(d.next_u64() == 0xE220A8397B1DCDAFull);
    Rng e(7);
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) { float z = e.normal(); sum += z; sum2 += z * z; }
    CHECK(sum / n == doctest::Approx(0.0).epsilon(0.01).scale(1));
    CHECK(sum2 / n == doctest::Approx(1.0).epsilon(0.01));
    float u = counter_uniform(5, 12345);
    CHECK(u >= 0.0f);
    CHECK(u < 1.0f);
    CHECK(u == counter_uniform(5, 12345));
}

namespace {
// A tiny op for testing the tape: y = 2x, recorded with its backward dx += 2 dy.
struct DoubleNode : TapeNode {
    Tensor x, y;
    const char* name() const override { return "Double"; }
    void backward() override {
        for (size_t i = 0; i < x.numel(); i++) x.grad().at(i) += 2.0f * y.grad().at(i);
    }
};
Tensor double_op(const Tensor& x) {
    Tensor y(x.shape());
    for (size_t i = 0; i < x.numel(); i++) y.at(i) = 2 * x.at(i);
    if (should_record({&x})) {
        auto n = std::make_unique<DoubleNode>();
        n->x = x; n->y = y;
        y.set_requires_grad(true);
        current_tape().record(std::move(n));
    }
    return y;
}
}  // namespace

TEST_CASE("tape: backward walks in reverse and accumulates; NoGrad records nothing") {
    Tensor x = Tensor::from_vector({1}, {3.0f});
    x.set_requires_grad(true);
    Tensor y = double_op(double_op(x));  // y = 4x
    CHECK(current_tape().size() == 2);
    backward(y);
    CHECK(x.grad().at(0) == 4.0f);
    CHECK(current_tape().size() == 0);
    {
        NoGrad ng;
        Tensor z = double_op(x);
        CHECK(current_tape().size() == 0);
        CHECK_FALSE(z.requires_grad());
        CHECK_THROWS(backward(z));
    }
}
