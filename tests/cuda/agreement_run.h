// The training run behind the GPU-vs-CPU agreement tests (tests/cuda/test_cuda_ops.cpp) and behind the CPU
// measurement that sets their tolerances (tests/cuda/test_agreement_tolerances.cpp): one model trained on two
// engines side by side; at every step the loss and every layer's gradient are compared, both sides update,
// and then side b takes side a's weights and buffers, so that every step starts from the same state.
//
// Why this setup. Two correct implementations that add in another order (cuDNN against our loops, or our
// im2col + OpenBLAS path against the same loops) differ in the last bits, and a training run carries that
// difference from step to step. With lr 0.01, momentum 0.9 and random labels (the first GPU tests) the run
// is chaotic: the difference grows about 5x a step and reaches the loss itself within 10 steps. Even with
// plain SGD, lr 1e-3 and learnable labels, a max-pool window whose two largest inputs lie within rounding
// of each other sends its gradient to one or the other on two correct implementations, a few per cent of one
// layer's gradient, and from then on the two runs drift apart (measured: loss 1e-4 apart after 8 steps,
// the same size as what a 10% error in one layer's gradient does). Starting every step from the same
// weights stops that drift: the loss (a continuous function of the weights) then differs by rounding only
// at every step, and a layer's gradient by rounding plus those rare max-pool switches.
#pragma once
#include <string>
#include <vector>

#include "framework/backend.h"
#include "framework/tensor.h"

namespace melgrad::agreement {

struct Setup {
    std::string model;  // a builtin model name (experiments/models/builtin_models.cpp)
    int steps = 0;
    int batch = 0;
    double lr = 1e-3;   // plain SGD, no momentum
    uint64_t data_seed = 9;
    // A planted bug, for the tests that show a check can fail: side b multiplies this parameter's gradient
    // by planted_scale after every backward pass (as a backward pass that gets it wrong would), or the first
    // image of its batch when planted_param is "input" (as a wrong forward would change the loss).
    std::string planted_param;
    float planted_scale = 1.0f;
};

// One engine: a device, and for the CPU the path (framework/backend.h).
struct Side {
    Device device;
    CpuPath path;
};

// What one step compares (agreement_run.cpp, compare_gradients, says why per layer and why L2).
struct StepDivergence {
    float loss_a = 0, loss_b = 0;
    double loss = 0;        // |loss_a - loss_b| / max(1, |loss_a|)
    double grad = 0;        // the worst gradient's ||b - a|| / ||a|| (L2; agreement_run.cpp says more)
    std::string worst_grad; // which parameter that was
};

struct Batch {
    Tensor x;  // (batch, 1, 128, 128), values in [0, 1]
    std::vector<int> labels;
};

// `count` batches whose label is learnable from the input: class c brightens mel rows 12c+4 .. 12c+11.
std::vector<Batch> learnable_batches(int count, int batch, uint64_t seed);

// Trains the setup's model on both sides in lockstep (same initial weights, data, dropout masks; every step
// from side a's weights) and returns every step's divergence. Errors are relative to side a.
std::vector<StepDivergence> lockstep_divergence(const Setup& setup, Side a, Side b);

// The largest divergence over steps [0, steps).
StepDivergence worst_of(const std::vector<StepDivergence>& curve, size_t steps);

// One line per step, for the tests' messages and the docs: "step  loss a  loss b  loss diff  grad diff".
std::string format_curve(const std::vector<StepDivergence>& curve);

}  // namespace melgrad::agreement

namespace melgrad::agreement {

// The GPU agreement tests' setups and tolerances (tests/cuda/test_cuda_ops.cpp), measured on the CPU by
// tests/cuda/test_agreement_tolerances.cpp: the CPU fast path against the CPU reference path on the same
// setup must stay kSafetyFactor below each tolerance. docs/11-cuda-backend.md shows the measured curves.
inline Setup make_setup(const char* model, int steps, int batch) {
    Setup s;
    s.model = model, s.steps = steps, s.batch = batch;
    return s;
}
inline Setup paper_cnn_setup() { return make_setup("paper-cnn", 6, 8); }
inline Setup crnn_setup() { return make_setup("crnn", 6, 8); }
constexpr double kLossTolerance = 1e-5;  // |loss b - loss a| / max(1, |loss a|), every step
constexpr double kGradTolerance = 0.2;   // a layer's gradient, L2, every step
constexpr double kSafetyFactor = 10;

// The per-layer GPU tests (check_layer in tests/cuda/test_cuda_ops.cpp): max-norm relative error 1e-5, but
// 1e-4 where an output or a gradient sums thousands of products (Linear 8192 -> 128, a convolution's weight
// gradient over 4 x 32 x 32 positions): there the reference's own float sum, added in a row, is off by up
// to 3.6e-6 (measured against the fast path by test_agreement_tolerances.cpp), too close to 1e-5.
constexpr double kLayerTolerance = 1e-5;
constexpr double kLongSumLayerTolerance = 1e-4;

}  // namespace melgrad::agreement
