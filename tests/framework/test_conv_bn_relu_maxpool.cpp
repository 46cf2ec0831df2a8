// The fast path's fused convolution block in training, Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d(2)
// (framework/layers/conv_bn_relu_maxpool.h), against the four layers run one by one on the reference path: the same
// output, running statistics and gradients up to float rounding (the statistics are merged band by band, not taken
// in two passes), the same bits at 1 and 2 threads, one tape node, and the layers' own ops where it does not apply.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <stdexcept>

#include "framework/backend.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/conv2d.h"
#include "framework/layers/conv_bn_relu_maxpool.h"
#include "framework/layers/pool2d.h"
#include "framework/layers/relu.h"
#include "framework/layers/sequential.h"
#include "tests/framework/gradcheck.h"

using namespace melgrad;
using namespace melgrad::testing;

namespace {

struct ConvBlockRun {
    std::vector<float> out, dx, dw, db, dgamma, dbeta, running_mean, running_var;
    size_t tape_nodes = 0;
};

struct ConvBlockSetup {
    int out_channels = 4;
    bool bias = true;
    bool training = true;
    bool twice = false;           // x used twice: its gradient is written, then added to
    bool x_needs_grad = true;     // false: the network's input, whose gradient nobody needs
    bool constant_conv = false;   // weights 0: every output of a channel equal (variance 0, every window a tie)
};

// A fresh block (BatchNorm's parameters and running statistics not at their defaults, so every term counts), run
// on one path: forward, then backward from a fixed random output gradient.
ConvBlockRun run_conv_block(const Tensor& x_in, const ConvBlockSetup& s, CpuPath path, int threads) {
    Sequential block;
    block.emplace<Conv2d>(x_in.dim(1), s.out_channels, 3, 1, 1, s.bias);
    block.emplace<BatchNorm2d>(s.out_channels);
    block.emplace<ReLU>();
    block.emplace<MaxPool2d>(2);
    auto& conv = static_cast<Conv2d&>(block[0]);
    auto& bn = static_cast<BatchNorm2d&>(block[1]);
    Rng init(3);
    if (s.constant_conv) conv.weight.fill(0.0f);
    fill_normal(bn.weight, init);
    fill_normal(bn.bias, init, 0.5f);
    fill_normal(bn.running_mean, init, 0.2f);
    for (size_t i = 0; i < bn.running_var.numel(); i++) bn.running_var.at(i) = 0.5f + 0.1f * (float)i;
    block.set_training(s.training);

    const CpuPath saved_path = cpu_path();
    const int saved_threads = num_threads();
    set_cpu_path(path);
    set_num_threads(threads);
    Tensor x = x_in.clone();
    x.set_requires_grad(s.x_needs_grad);
    current_tape().clear();
    ConvBlockRun r;
    Tensor out = block.forward(x);
    r.tape_nodes = current_tape().size();
    Tensor seed(out.shape());
    Rng rng(11);
    fill_normal(seed, rng);
    if (s.twice) {
        Tensor again = block.forward(x);
        current_tape().backward(again, seed);
        current_tape().clear();
    }
    current_tape().backward(out, seed);
    r.out = out.to_vector();
    if (s.x_needs_grad) r.dx = x.grad().to_vector();
    r.dw = conv.weight.grad().to_vector();
    if (s.bias) r.db = conv.bias.grad().to_vector();
    r.dgamma = bn.weight.grad().to_vector();
    r.dbeta = bn.bias.grad().to_vector();
    r.running_mean = bn.running_mean.to_vector();
    r.running_var = bn.running_var.to_vector();
    set_cpu_path(saved_path);
    set_num_threads(saved_threads);
    return r;
}

double max_abs(const std::vector<float>& a) {
    double m = 0;
    for (float v : a) m = std::max(m, (double)std::fabs(v));
    return m;
}
double max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    double m = 0;
    for (size_t i = 0; i < a.size(); i++) m = std::max(m, (double)std::fabs(a[i] - b[i]));
    return m;
}

Tensor random_image(const Shape& shape, uint64_t seed) { return normal_tensor(shape, seed, 2.0f); }

void compare_with_reference(const Tensor& x, const ConvBlockSetup& s, size_t fused_nodes) {
    const Conv2dGeometry g = conv2d_geometry(x.shape(), Conv2d(x.dim(1), s.out_channels, 3, 1, 1).window());
    INFO("the fused op computes y again: " << conv_bn_relu_maxpool_recomputes_y(g));
    const ConvBlockRun ref = run_conv_block(x, s, CpuPath::Reference, 1);
    CHECK(ref.tape_nodes == 4);  // the reference path runs the four layers
    const ConvBlockRun one = run_conv_block(x, s, CpuPath::Fast, 1), two = run_conv_block(x, s, CpuPath::Fast, 2);
    for (const ConvBlockRun* fast : {&one, &two}) {
        const std::string setup = std::string(s.training ? ", training" : ", evaluation") +
                                  (s.twice ? ", x used twice" : "") + (s.bias ? "" : ", no bias") +
                                  (s.constant_conv ? ", constant convolution" : "");
        INFO("input " << shape_str(x.shape()) << setup << ", " << (fast == &one ? 1 : 2) << " thread(s)");
        CHECK(fast->tape_nodes == fused_nodes);
        CHECK(scaled_max_error(fast->out, ref.out) <= 1e-5);
        CHECK(scaled_max_error(fast->running_mean, ref.running_mean) <= 1e-6);
        CHECK(scaled_max_error(fast->running_var, ref.running_var) <= 1e-6);
        CHECK(scaled_max_error(fast->dx, ref.dx) <= 1e-4);
        CHECK(scaled_max_error(fast->dw, ref.dw) <= 1e-4);
        // BatchNorm takes the mean out, so the bias's gradient is 0 up to rounding: compared with dw's scale
        CHECK(max_abs_difference(fast->db, ref.db) <= 1e-5 * max_abs(ref.dw));
        CHECK(scaled_max_error(fast->dgamma, ref.dgamma) <= 1e-4);
        CHECK(scaled_max_error(fast->dbeta, ref.dbeta) <= 1e-4);
    }
    // the weight-gradient sums and the statistics' merge are in a fixed order: the same bits for any thread count
    CHECK(one.out == two.out);
    CHECK(one.dx == two.dx);
    CHECK(one.dw == two.dw);
    CHECK(one.db == two.db);
    CHECK(one.dgamma == two.dgamma);
    CHECK(one.dbeta == two.dbeta);
    CHECK(one.running_mean == two.running_mean);
    CHECK(one.running_var == two.running_var);
}

}  // namespace

TEST_CASE("fused Conv2d + BatchNorm2d + ReLU + MaxPool2d: the fast path matches the four layers on the reference path") {
    ConvBlockSetup s;
    compare_with_reference(random_image({3, 2, 6, 10}, 1), s, 1);
    // 40 columns: bands of 12 output rows, the last one 4 rows (conv2d_fast_band_rows); big enough for threads
    compare_with_reference(random_image({2, 3, 40, 40}, 2), s, 1);
    s.twice = true;  // dx accumulated, not written
    compare_with_reference(random_image({3, 2, 6, 10}, 3), s, 1);
    s = {};
    s.bias = false;
    s.x_needs_grad = false;  // the first layer of a network
    compare_with_reference(random_image({2, 1, 8, 128}, 4), s, 1);
}

TEST_CASE("fused Conv2d + BatchNorm2d + ReLU + MaxPool2d: one input channel, y computed again instead of kept") {
    // C*R*S = 9: the fused op does not keep the convolution's output, it computes each band again (recompute_y)
    for (const Shape& shape : {Shape{3, 1, 6, 10}, Shape{2, 1, 16, 64}})
        CHECK(conv_bn_relu_maxpool_recomputes_y(conv2d_geometry(shape, Conv2d(1, 4, 3, 1, 1).window())));
    CHECK_FALSE(conv_bn_relu_maxpool_recomputes_y(conv2d_geometry({2, 3, 40, 40}, Conv2d(3, 4, 3, 1, 1).window())));
    ConvBlockSetup s;
    compare_with_reference(random_image({3, 1, 6, 10}, 9), s, 1);
    compare_with_reference(random_image({2, 1, 16, 64}, 10), s, 1);  // bands of 8 rows
    s.twice = true;
    compare_with_reference(random_image({3, 1, 6, 10}, 11), s, 1);
}

TEST_CASE("fused Conv2d + BatchNorm2d + ReLU + MaxPool2d: 16 -> 16 channels, the products in panel_gemm") {
    // J = 145, 16 output channels, bands of 512 pixels: the forward and dcol products run in panel_gemm (AVX-512
    // builds), and dcol reads the dy_band hook's band
    ConvBlockSetup s;
    s.out_channels = 16;
    compare_with_reference(random_image({2, 16, 16, 64}, 12), s, 1);
}

TEST_CASE("fused Conv2d + BatchNorm2d + ReLU + MaxPool2d: a constant convolution output (variance 0, ties everywhere)") {
    ConvBlockSetup s;
    s.constant_conv = true;
    compare_with_reference(random_image({2, 3, 6, 8}, 5), s, 1);
}

TEST_CASE("fused Conv2d + BatchNorm2d + ReLU + MaxPool2d: in evaluation the convolution runs, then the fused three") {
    ConvBlockSetup s;
    s.training = false;
    compare_with_reference(random_image({3, 2, 6, 10}, 6), s, 2);
}

TEST_CASE("fused Conv2d + BatchNorm2d + ReLU + MaxPool2d: not fused where it does not apply") {
    // an odd output height: max-pool drops the last row, the four layers run one by one
    const ConvBlockRun odd = run_conv_block(random_image({2, 3, 5, 6}, 7), ConvBlockSetup{}, CpuPath::Fast, 1);
    CHECK(odd.tape_nodes == 4);
    // the wrong number of input channels: Conv2d's own error, not the fused op's
    Sequential block;
    block.emplace<Conv2d>(3, 4, 3, 1, 1);
    block.emplace<BatchNorm2d>(4);
    block.emplace<ReLU>();
    block.emplace<MaxPool2d>(2);
    const CpuPath saved = cpu_path();
    set_cpu_path(CpuPath::Fast);
    CHECK_THROWS_WITH_AS(block.forward(random_image({2, 2, 6, 6}, 8)), doctest::Contains("Conv2d(3, 4"),
                         std::invalid_argument);
    current_tape().clear();
    set_cpu_path(saved);
}
