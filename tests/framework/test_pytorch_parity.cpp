// PyTorch parity, llm.c style: the paper CNN with the weights, input and labels of
// tests/fixtures/paper_cnn_parity.bin (written by tests/fixtures/make_parity_fixture.py with PyTorch) must
// give PyTorch's logits, loss and every parameter gradient (relative error <= 1e-4).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/optim/adam.h"
#include "framework/optim/sgd.h"
#include "framework/tape.h"
#include "tests/framework/gradcheck.h"
#include "tests/framework/parity_fixture.h"

using namespace melgrad;
using namespace melgrad::testing;

namespace {

const char* kFixture = "tests/fixtures/paper_cnn_parity.bin";

// The paper CNN with dropout off (p = 0), as in the fixture, so both frameworks compute the same function.
BuiltModel paper_cnn_without_dropout() {
    std::string text = resolve_model_text("paper-cnn");
    const std::string from = "dropout p=0.5", to = "dropout p=0";
    for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
    return build_model(text, "paper-cnn (dropout p=0)");
}

std::vector<int> labels_of(const ParityFixture& fx) {
    std::vector<int> labels;
    for (float v : fx["labels"].to_vector()) labels.push_back((int)v);
    return labels;
}

}  // namespace

TEST_CASE("pytorch parity: paper CNN logits, loss and every parameter gradient (rel. error <= 1e-4)") {
    ParityFixture fx(kFixture);
    BuiltModel built = paper_cnn_without_dropout();
    Sequential& model = *built.model;
    fx.set_weights(model);
    model.train();
    current_tape().clear();

    Tensor logits = model.forward(fx["input"]);
    Tensor loss = softmax_cross_entropy(logits, labels_of(fx));
    REQUIRE(logits.shape() == fx["logits"].shape());
    double logits_err = scaled_max_error(logits, fx["logits"]);
    INFO("logits relative error " << logits_err);
    CHECK(logits_err <= 1e-4);
    CHECK(std::fabs(loss.item() - fx["loss"].item()) <= 1e-4 * std::fabs(fx["loss"].item()));

    backward(loss);
    // Conv biases followed by BatchNorm in training mode have a true gradient of exactly 0 (the batch mean
    // removes any constant); both frameworks return rounding noise there, so those are compared against
    // the scale of the layer's weight gradient instead.
    auto params = model.parameters();
    REQUIRE(params.size() == 20);
    double worst = 0;
    std::string worst_name;
    for (size_t p = 0; p < params.size(); p++) {
        const std::string& name = params[p].name;
        const Tensor& theirs = fx["grad/" + name];
        Tensor ours = params[p].tensor->grad();
        REQUIRE(ours.shape() == theirs.shape());
        bool bias_before_bn = name.find(".bias") != std::string::npos && p + 1 < params.size() &&
                              params[p + 1].name.find(".weight") != std::string::npos &&
                              model[std::stoi(name)].type() == "Conv2d";
        double err;
        if (bias_before_bn) {
            double diff = 0, mag = 0;
            for (size_t i = 0; i < ours.numel(); i++) diff = std::max(diff, (double)std::fabs(ours.at(i) - theirs.at(i)));
            const Tensor& w = fx["grad/" + params[p - 1].name];
            for (size_t i = 0; i < w.numel(); i++) mag = std::max(mag, (double)std::fabs(w.at(i)));
            err = diff / mag;
        } else {
            err = scaled_max_error(ours, theirs);
        }
        INFO(name << " gradient relative error " << err);
        CHECK(err <= 1e-4);
        if (err > worst) { worst = err; worst_name = name; }
    }
    MESSAGE("parity: logits rel. error " << logits_err << ", worst gradient rel. error " << worst << " (" << worst_name
                                         << ")");
}

TEST_CASE("pytorch parity: a damaged fixture gives a clear error, not a crash") {
    CHECK_THROWS_WITH_AS(ParityFixture("tests/fixtures/no-such-file.bin"), doctest::Contains("cannot open"),
                         std::runtime_error);
    CHECK_THROWS_WITH_AS(ParityFixture("tests/fixtures/make_parity_fixture.py"), doctest::Contains("magic"),
                         std::runtime_error);
}

namespace {
// Trains the fixture's model for as many steps as `expected` holds, on the fixture's batch, and returns the
// loss before each update (as the script records it).
template <class MakeOptimizer>
std::vector<float> training_losses(const ParityFixture& fx, size_t steps, MakeOptimizer make_optimizer) {
    BuiltModel built = paper_cnn_without_dropout();
    Sequential& model = *built.model;
    fx.set_weights(model);
    model.train();
    auto optimizer = make_optimizer(model.parameters());
    std::vector<int> labels = labels_of(fx);
    std::vector<float> losses;
    current_tape().clear();
    for (size_t step = 0; step < steps; step++) {
        optimizer.zero_grad();
        Tensor loss = softmax_cross_entropy(model.forward(fx["input"]), labels);
        backward(loss);
        optimizer.step();
        losses.push_back(loss.item());
    }
    return losses;
}

void check_trajectory(const std::vector<float>& ours, const Tensor& theirs, const std::string& what) {
    REQUIRE(ours.size() == theirs.numel());
    double worst = 0;
    for (size_t t = 0; t < ours.size(); t++) {
        double err = std::fabs(ours[t] - theirs.at(t)) / std::max(1.0, (double)std::fabs(theirs.at(t)));
        INFO(what << " step " << t << ": melgrad " << ours[t] << ", PyTorch " << theirs.at(t));
        CHECK(err <= 1e-4);
        worst = std::max(worst, err);
    }
    MESSAGE(what << ": " << ours.size() << " steps, loss " << ours.front() << " -> " << ours.back()
                 << ", worst error vs PyTorch " << worst);
}
}  // namespace

TEST_CASE("pytorch parity: 20 training steps with SGD(momentum=0.9) give PyTorch's losses (<= 1e-4)") {
    ParityFixture fx(kFixture);
    const Tensor& expected = fx["sgd_losses"];
    auto losses = training_losses(fx, expected.numel(), [](std::vector<NamedTensor> p) { return SGD(p, 5e-4, 0.9); });
    check_trajectory(losses, expected, "SGD");
}

TEST_CASE("pytorch parity: 20 training steps with Adam give PyTorch's losses (<= 1e-4)") {
    ParityFixture fx(kFixture);
    const Tensor& expected = fx["adam_losses"];
    auto losses = training_losses(fx, expected.numel(), [](std::vector<NamedTensor> p) { return Adam(p, 5e-5); });
    check_trajectory(losses, expected, "Adam");
}
