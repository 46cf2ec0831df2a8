// build/melgrad hands a command to build/melgrad-cuda only when the GPU will be used (framework/cuda/handoff.h).
// The whole hand-off, executables and all, is checked by tests/cli/cuda_handoff.sh; here the decision.
#include <doctest/doctest.h>

#include "framework/cuda/handoff.h"
#include "framework/tensor.h"

using namespace melgrad;

TEST_CASE("cuda hand-off: only a command that will use the GPU starts again as melgrad-cuda") {
    for (bool gpu : {false, true}) {
        CAPTURE(gpu);
        CHECK_FALSE(should_hand_off("cpu", true, gpu));  // --device cpu never loads CUDA
        CHECK(should_hand_off("cuda", true, gpu));       // melgrad-cuda says clearly when there is no GPU
        CHECK_FALSE(should_hand_off("cuda", false, gpu));  // a CPU-only build: choose_device's own error
        CHECK_FALSE(should_hand_off("auto", false, gpu));
    }
    CHECK(should_hand_off("auto", true, true));
    CHECK_FALSE(should_hand_off("auto", true, false));  // auto on a machine without a GPU stays here, fast
}

TEST_CASE("cuda hand-off: an executable with the backend (melgrad-cuda, these tests) never hands off" *
          doctest::skip(!cuda_compiled()) * doctest::description("a CPU-only build: nothing to hand off to")) {
    CHECK(cuda_build_path().empty());
    CHECK_NOTHROW(hand_off_to_cuda_build("cuda"));  // would throw: no command line was remembered here
    CHECK_NOTHROW(hand_off_to_cuda_build("auto"));
}
