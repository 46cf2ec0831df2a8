// LeakyReLU, the book's worked example of adding a layer (docs/14-add-a-layer.md): forward and input
// gradient against PyTorch's nn.LeakyReLU (tests/fixtures/leaky_relu_parity.bin, written by
// tests/fixtures/make_leaky_relu_fixture.py), the model text line, and a small network that learns with it.
// Its finite-difference check is in test_gradcheck_layers.cpp, its GPU kernels on the emulator in
// tests/cuda/test_cuda_kernels_emulated.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "framework/backend.h"
#include "framework/layers/leaky_relu.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/optim/sgd.h"
#include "framework/rng.h"
#include "framework/tape.h"
#include "tests/framework/parity_fixture.h"

using namespace melgrad;

TEST_CASE("LeakyReLU: output and input gradient equal PyTorch's nn.LeakyReLU, bit for bit, zeros included") {
    testing::ParityFixture fx("tests/fixtures/leaky_relu_parity.bin");
    for (const char* slope : {"0.01", "0.2"}) {
        CAPTURE(slope);
        LeakyReLU leaky(std::stof(slope));
        Tensor x = fx["input"].clone();
        x.set_requires_grad(true);
        Tensor y = leaky.forward(x);
        current_tape().backward(y, fx["grad_output"]);
        const Tensor& want_y = fx[std::string(slope) + "/output"];
        const Tensor& want_dx = fx[std::string(slope) + "/grad/input"];
        REQUIRE(y.numel() == want_y.numel());
        int zeros = 0;
        for (size_t i = 0; i < y.numel(); i++) {
            // The same single float multiply as PyTorch's kernel, so the same bits.
            CHECK(y.at(i) == want_y.at(i));
            CHECK(x.grad().at(i) == want_dx.at(i));
            zeros += x.at(i) == 0.0f;
        }
        CHECK(zeros >= 5);  // the fixture does reach the point where the two pieces meet
    }
}

TEST_CASE("LeakyReLU: the model text line, its default, and its errors") {
    BuiltModel m = build_model("input 1 4 4\nleaky_relu\nleaky_relu negative_slope=0.2\n", "test.model");
    REQUIRE(m.model->size() == 2);
    CHECK((*m.model)[0].describe() == "LeakyReLU(negative_slope=0.01)");
    CHECK((*m.model)[1].describe() == "LeakyReLU(negative_slope=0.2)");
    CHECK(m.output_shape == Shape{1, 4, 4});
    CHECK_THROWS_WITH_AS(build_model("input 1 4 4\nleaky_relu slope=0.2\n", "test.model"),
                         doctest::Contains("test.model:2"), std::invalid_argument);
    CHECK_THROWS_AS(LeakyReLU(std::stof("nan")), std::invalid_argument);
}

TEST_CASE("LeakyReLU: a small network with it learns a two-class problem through the conv (loss below a third)") {
    // Class 1 when the image's mean is positive. The checks above catch a wrong formula; this one shows the layer
    // works inside a network built from model text: it fails if no gradient gets through it to the conv.
    BuiltModel m = build_model("input 1 4 4\nconv2d out=4 kernel=3 padding=1\nleaky_relu negative_slope=0.1\n"
                               "flatten\nlinear out=2\n",
                               "test.model", 3);
    SGD opt(m.model->parameters(), 0.05, 0.9);
    Tensor& conv_weight = *m.model->parameters()[0].tensor;
    const Tensor conv_weight_before = conv_weight.clone();
    Rng rng(5);
    Tensor x({32, 1, 4, 4});
    std::vector<int> labels(32);
    for (int n = 0; n < 32; n++) {
        labels[n] = n % 2;
        for (int i = 0; i < 16; i++) x.at((size_t)n * 16 + i) = rng.normal() + (labels[n] ? 0.5f : -0.5f);
    }
    float first = 0, last = 0;
    for (int step = 0; step < 60; step++) {
        opt.zero_grad();
        Tensor loss = softmax_cross_entropy(m.model->forward(x), labels);
        backward(loss);
        opt.step();
        (step == 0 ? first : last) = loss.item();
    }
    CHECK(last < first / 3);
    double moved = 0;
    for (size_t i = 0; i < conv_weight.numel(); i++) moved += std::abs(conv_weight.at(i) - conv_weight_before.at(i));
    CHECK(moved > 0.01 * conv_weight.numel());  // the gradient reached the conv, through the LeakyReLU
}

TEST_CASE("an op without a GPU version yet: cuda_not_implemented names it") {
    CHECK_THROWS_WITH_AS(cuda_not_implemented("my_layer_forward"),
                         doctest::Contains("my_layer_forward has no CUDA implementation yet"), std::runtime_error);
}
