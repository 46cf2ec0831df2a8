// Every layer's hand-written backward against central finite differences (tests/framework/gradcheck.h).
// Each check covers the input gradient and every parameter gradient, on the reference path (the truth)
// and, for the layers that have one, on the fast path.
#include <doctest/doctest.h>

#include "framework/backend.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/conv2d.h"
#include "framework/layers/dropout.h"
#include "framework/layers/flatten.h"
#include "framework/layers/leaky_relu.h"
#include "framework/layers/linear.h"
#include "framework/layers/pool2d.h"
#include "framework/layers/relu.h"
#include "framework/layers/sequential.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "tests/framework/gradcheck.h"

using namespace melgrad;
using namespace melgrad::testing;

namespace {

void gradcheck_conv(int N, int C, int H, int W, int K, int k, int stride, int pad, bool bias, CpuPath path) {
    PathGuard guard(path);
    Rng rng(100 + N * 7 + C * 11 + H * 13 + K * 17 + k * 19 + stride * 23 + pad * 29);
    Conv2d conv(C, K, k, stride, pad, bias);
    conv.reset_parameters(rng);
    Tensor x({N, C, H, W});
    fill_normal(x, rng);
    std::vector<Wrt> wrt = {{"x", &x}, {"weight", &conv.weight}};
    if (bias) wrt.push_back({"bias", &conv.bias});
    GradCheckReport rep = check_gradients([&] { return conv.forward(x); }, wrt);
    check_report(rep, std::string(cpu_path_name(path)) + " " + conv.describe() + " on " + shape_str(x.shape()));
}

}  // namespace

TEST_CASE("gradcheck: Conv2d, several strides, paddings, odd sizes, with and without bias, both paths") {
    for (CpuPath path : {CpuPath::Reference, CpuPath::Fast}) {
        gradcheck_conv(2, 3, 5, 5, 4, 3, 1, 1, true, path);    // 'same' convolution
        gradcheck_conv(1, 2, 7, 6, 3, 3, 2, 0, true, path);    // stride 2, no padding, non-square
        gradcheck_conv(2, 1, 6, 7, 2, 2, 1, 0, false, path);   // even kernel, no bias
        gradcheck_conv(1, 2, 5, 5, 3, 1, 1, 0, true, path);    // 1x1 convolution
        gradcheck_conv(2, 2, 9, 8, 3, 5, 3, 2, false, path);   // big kernel, stride 3, padding 2
    }
}

TEST_CASE("gradcheck: BatchNorm2d in training and evaluation mode") {
    for (bool training : {true, false}) {
        Rng rng(7);
        BatchNorm2d bn(3);
        fill_normal(bn.weight, rng);
        fill_normal(bn.bias, rng);
        for (size_t c = 0; c < 3; c++) {
            bn.running_mean.at(c) = rng.normal(0.0f, 0.5f);
            bn.running_var.at(c) = 0.5f + rng.uniform();
        }
        bn.set_training(training);
        Tensor x({3, 3, 4, 5});
        fill_normal(x, rng, 2.0f);
        for (size_t i = 0; i < x.numel(); i++) x.at(i) += 1.0f;  // a non-zero mean
        GradCheckReport rep = check_gradients([&] { return bn.forward(x); },
                                              {{"x", &x}, {"weight", &bn.weight}, {"bias", &bn.bias}});
        check_report(rep, training ? "BatchNorm2d train" : "BatchNorm2d eval");
    }
}

TEST_CASE("gradcheck: ReLU (inputs kept away from the kink at 0)") {
    Rng rng(3);
    ReLU relu;
    Tensor x({2, 3, 4, 5});
    fill_away_from_zero(x, rng);
    check_report(check_gradients([&] { return relu.forward(x); }, {{"x", &x}}), "ReLU");
}

TEST_CASE("gradcheck: LeakyReLU, default and steep negative slopes (inputs kept away from the kink at 0)") {
    for (float slope : {0.01f, 0.3f, -0.5f}) {
        Rng rng(4);
        LeakyReLU leaky(slope);
        Tensor x({2, 3, 4, 5});
        fill_away_from_zero(x, rng);
        check_report(check_gradients([&] { return leaky.forward(x); }, {{"x", &x}}), leaky.describe());
    }
}

TEST_CASE("gradcheck: MaxPool2d (no near-ties), AvgPool2d, GlobalAvgPool2d, odd sizes and strides") {
    struct Case { int k, s, H, W; };
    for (Case c : {Case{2, 2, 6, 6}, Case{2, 2, 7, 5}, Case{3, 2, 7, 8}, Case{3, 3, 9, 6}}) {
        Rng rng(11 + c.k * 3 + c.H);
        Tensor x({2, 2, c.H, c.W});
        fill_distinct(x, rng);
        MaxPool2d mp(c.k, c.s);
        check_report(check_gradients([&] { return mp.forward(x); }, {{"x", &x}}), mp.describe());
        AvgPool2d ap(c.k, c.s);
        check_report(check_gradients([&] { return ap.forward(x); }, {{"x", &x}}), ap.describe());
    }
    Rng rng(5);
    Tensor x({2, 3, 5, 7});
    fill_normal(x, rng);
    GlobalAvgPool2d gap;
    check_report(check_gradients([&] { return gap.forward(x); }, {{"x", &x}}), "GlobalAvgPool2d");
}

TEST_CASE("gradcheck: Linear with and without bias, both paths") {
    for (CpuPath path : {CpuPath::Reference, CpuPath::Fast}) {
        PathGuard guard(path);
        for (bool bias : {true, false}) {
            Rng rng(17);
            Linear lin(7, 5, bias);
            lin.reset_parameters(rng);
            Tensor x({3, 7});
            fill_normal(x, rng);
            std::vector<Wrt> wrt = {{"x", &x}, {"weight", &lin.weight}};
            if (bias) wrt.push_back({"bias", &lin.bias});
            check_report(check_gradients([&] { return lin.forward(x); }, wrt),
                         std::string(cpu_path_name(path)) + " " + lin.describe());
        }
    }
}

TEST_CASE("gradcheck: Dropout with a fixed random stream, in training and evaluation mode") {
    for (bool training : {true, false}) {
        Rng rng(19);
        Dropout drop(0.3f);
        drop.set_training(training);
        Tensor x({4, 50});
        fill_normal(x, rng);
        auto fwd = [&] {
            drop.set_random_stream(1234);  // the same mask on every call
            return drop.forward(x);
        };
        check_report(check_gradients(fwd, {{"x", &x}}), training ? "Dropout train" : "Dropout eval");
    }
}

TEST_CASE("gradcheck: Flatten") {
    Rng rng(23);
    Flatten flat;
    Tensor x({2, 3, 2, 3});
    fill_normal(x, rng);
    check_report(check_gradients([&] { return flat.forward(x); }, {{"x", &x}}), "Flatten");
}

TEST_CASE("gradcheck: softmax_cross_entropy, including large logits (log-sum-exp)") {
    for (float spread : {1.0f, 30.0f}) {
        Rng rng(29);
        Tensor z({4, 6});
        fill_normal(z, rng, spread);
        std::vector<int> labels = {0, 5, 2, 2};
        GradCheckOptions opt;
        opt.step = spread > 1 ? 1e-1 : 1e-2;  // the loss is smooth; a larger step keeps float noise small
        opt.min_scale = 0.1;                   // the gradients are (p - onehot) / N: small, so compare tighter
        check_report(check_gradients([&] { return softmax_cross_entropy(z, labels); }, {{"logits", &z}}, opt),
                     "softmax_cross_entropy spread " + std::to_string(spread));
    }
}

TEST_CASE("gradcheck: a small Sequential (conv, batchnorm, relu, maxpool, flatten, linear) end to end") {
    for (CpuPath path : {CpuPath::Reference, CpuPath::Fast}) {
        PathGuard guard(path);
        Rng rng(31);
        Sequential net;
        auto conv = std::make_unique<Conv2d>(2, 3, 3, 1, 1);
        conv->reset_parameters(rng);
        net.add(std::move(conv));
        net.emplace<BatchNorm2d>(3);
        net.emplace<ReLU>();
        net.emplace<MaxPool2d>(2);
        net.emplace<Flatten>();
        auto lin = std::make_unique<Linear>(3 * 3 * 3, 4);
        lin->reset_parameters(rng);
        net.add(std::move(lin));
        Tensor x({3, 2, 6, 7});
        fill_normal(x, rng);
        std::vector<Wrt> wrt = {{"x", &x}};
        for (auto& p : net.parameters()) wrt.push_back({p.name, p.tensor});
        GradCheckOptions opt;
        opt.step = 1e-3;          // small, so few elements sit within a step of a ReLU or max-pool kink
        opt.threshold = 5e-3;     // float noise / (2h) is larger with the smaller step
        opt.skip_kinks = true;    // internal activations can still land on one: skip those, and count them
        GradCheckReport rep = check_gradients([&] { return net.forward(x); }, wrt, opt);
        INFO(std::string(cpu_path_name(path)) << " Sequential: " << rep.summary());
        CHECK(rep.failed == 0);
        CHECK(rep.checked > 100);
        CHECK(rep.skipped * 20 <= rep.checked);  // at most 5% of positions near a kink
    }
}
