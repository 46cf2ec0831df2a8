// The measurement behind the GPU-vs-CPU agreement tests' tolerances (tests/cuda/agreement_run.h), without a
// GPU: the CPU fast path (im2col + OpenBLAS: another order of additions, as cuDNN and cuBLAS have) against
// the CPU reference path, on exactly the setups the GPU tests run. Each step's loss and gradient difference
// must stay kSafetyFactor below the GPU tests' tolerance; the curves are printed (docs/11-cuda-backend.md
// quotes them). And the tolerances catch bugs: planted ones (a wrong forward, one layer's gradient 30% off)
// exceed them.
#include <doctest/doctest.h>

#include <string>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "framework/layers/conv2d.h"
#include "framework/layers/linear.h"
#include "framework/rng.h"
#include "framework/tape.h"
#include "tests/cuda/agreement_run.h"

using namespace melgrad;
using namespace melgrad::agreement;

namespace {

const Side kReference{Device::CPU, CpuPath::Reference}, kFast{Device::CPU, CpuPath::Fast};

void check_tolerances_justified(const Setup& setup) {
    const std::vector<StepDivergence> curve = lockstep_divergence(setup, kReference, kFast);
    MESSAGE(setup.model << ", " << setup.steps << " steps at batch " << setup.batch << ", fast vs reference:\n"
                        << format_curve(curve));
    for (size_t i = 0; i < curve.size(); i++) {
        CAPTURE(i);
        CHECK(curve[i].loss * kSafetyFactor <= kLossTolerance);
        CHECK_MESSAGE(curve[i].grad * kSafetyFactor <= kGradTolerance, curve[i].worst_grad);
    }
}

}  // namespace

TEST_CASE("agreement tolerances: paper CNN, CPU fast vs reference stays 10x below the GPU test's tolerances") {
    check_tolerances_justified(paper_cnn_setup());
}

TEST_CASE("agreement tolerances: CRNN, CPU fast vs reference stays 10x below the GPU test's tolerances") {
    check_tolerances_justified(crnn_setup());
}

TEST_CASE("agreement tolerances: a planted bug exceeds them (wrong forward; one layer's gradient 30% off)") {
    Setup s = paper_cnn_setup();
    s.steps = 1;
    s.planted_param = "input";  // a forward that gets one image of the batch 1% wrong
    s.planted_scale = 1.01f;
    CHECK(worst_of(lockstep_divergence(s, kReference, kFast), 1).loss > kLossTolerance);
    for (const char* param : {"8.weight", "21.bias"}) {  // a convolution's weight, the last Linear's bias
        CAPTURE(std::string(param));
        s.planted_param = param;
        s.planted_scale = 1.3f;
        const StepDivergence w = worst_of(lockstep_divergence(s, kReference, kFast), 1);
        CHECK(w.grad > kGradTolerance);
        CHECK(w.worst_grad == param);
    }
}

// The per-layer GPU tests (check_layer in tests/cuda/test_cuda_ops.cpp) hold Conv2d and Linear to a relative
// error of 1e-5 (max-norm) against the CPU. The same shapes and kind of inputs, CPU fast path against the
// reference, show how much of that margin another order of additions takes.
namespace {

Tensor uniform_tensor(const Shape& s, uint64_t seed) {
    Rng rng(seed);
    Tensor t(s);
    for (size_t i = 0; i < t.numel(); i++) t.at(i) = rng.uniform(-1.0f, 1.0f);
    return t;
}

// Forward and backward on one path; returns output, input gradient and every parameter gradient.
std::vector<Tensor> layer_results(Module& layer, const Shape& in, CpuPath path) {
    set_cpu_path(path);
    for (const NamedTensor& p : layer.parameters()) p.tensor->zero_grad();
    Tensor x = uniform_tensor(in, 1).set_requires_grad(true);
    Tensor y = layer.forward(x);
    current_tape().backward(y, uniform_tensor(y.shape(), 2));
    std::vector<Tensor> out{y, x.grad()};
    for (const NamedTensor& p : layer.parameters()) out.push_back(p.tensor->grad().clone());
    return out;
}

double worst_fast_vs_reference(Module& layer, const Shape& in) {
    const CpuPath saved = cpu_path();
    std::vector<Tensor> ref = layer_results(layer, in, CpuPath::Reference), fast = layer_results(layer, in, CpuPath::Fast);
    set_cpu_path(saved);
    double worst = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        std::vector<float> a = ref[i].to_vector(), b = fast[i].to_vector();
        double diff = 0, scale = 0;
        for (size_t j = 0; j < a.size(); j++) {
            diff = std::max(diff, (double)std::fabs(b[j] - a[j]));
            scale = std::max(scale, (double)std::fabs(a[j]));
        }
        worst = std::max(worst, scale > 0 ? diff / scale : diff);
    }
    return worst;
}

}  // namespace

TEST_CASE("agreement tolerances: the per-layer GPU tests' Conv2d and Linear shapes, CPU fast vs reference 10x below") {
    struct ConvCase { int c, k, kernel, stride, pad; bool bias; Shape in; double tol; };
    const ConvCase convs[] = {{3, 5, 3, 1, 1, true, {2, 3, 9, 7}, kLayerTolerance},
                              {4, 6, 5, 2, 2, true, {3, 4, 13, 11}, kLayerTolerance},
                              {2, 3, 1, 1, 0, false, {5, 2, 6, 5}, kLayerTolerance},
                              {3, 4, 2, 3, 0, true, {1, 3, 10, 8}, kLayerTolerance},
                              {1, 16, 3, 1, 1, true, {4, 1, 32, 32}, kLongSumLayerTolerance},
                              {16, 32, 3, 1, 1, true, {2, 16, 17, 15}, kLayerTolerance},
                              {4, 6, 3, 1, 1, true, {3, 4, 19, 13}, kLayerTolerance}};
    std::string report;
    char line[160];
    for (const ConvCase& c : convs) {
        Conv2d conv(c.c, c.k, c.kernel, c.stride, c.pad, c.bias);
        const double e = worst_fast_vs_reference(conv, c.in);
        std::snprintf(line, sizeof line, "%s on %s: %.2g (GPU tolerance %g)\n", conv.describe().c_str(),
                      shape_str(c.in).c_str(), e, c.tol);
        report += line;
        CHECK_MESSAGE(e * kSafetyFactor <= c.tol, line);
    }
    struct LinearCase { Linear layer; Shape in; double tol; };
    LinearCase linears[] = {{Linear(37, 13, true), {5, 37}, kLayerTolerance},
                            {Linear(8192, 128, true), {3, 8192}, kLongSumLayerTolerance},
                            {Linear(7, 1, false), {1, 7}, kLayerTolerance}};
    for (LinearCase& c : linears) {
        const double e = worst_fast_vs_reference(c.layer, c.in);
        std::snprintf(line, sizeof line, "%s on %s: %.2g (GPU tolerance %g)\n", c.layer.describe().c_str(),
                      shape_str(c.in).c_str(), e, c.tol);
        report += line;
        CHECK_MESSAGE(e * kSafetyFactor <= c.tol, line);
    }
    MESSAGE("worst relative error, CPU fast vs reference:\n" << report);
}
