// The measurement behind the GPU-vs-CPU agreement tests' tolerances (tests/cuda/agreement_run.h), without a
// GPU: the CPU fast path (im2col + OpenBLAS: another order of additions, as cuDNN and cuBLAS have) against
// the CPU reference path, on exactly the setups the GPU tests run. Each step's loss and gradient difference
// must stay kSafetyFactor below the GPU tests' tolerance; the curves are printed (docs/06-cuda-backend.md
// quotes them). And the tolerances catch bugs: planted ones (a wrong forward, one layer's gradient 30% off)
// exceed them.
#include <doctest/doctest.h>

#include <string>

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
