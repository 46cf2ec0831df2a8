// bench-train's FLOP count (experiments/cli/bench_flops.h), against the paper CNN's layers worked out by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "experiments/cli/bench_flops.h"
#include "framework/model_text.h"

using namespace melgrad;

TEST_CASE("bench-train: the paper CNN's training FLOPs per sample, counted from its layer shapes") {
    BuiltModel built = build_model(resolve_model_text("paper-cnn"), "paper-cnn", 0);
    const cli::TrainingFlops f = cli::training_flops_per_sample(*built.model, built.input_shape);
    // multiply-adds forward: K*C*3*3 per output position, times the positions; then the two Linear layers
    const double conv1 = 16.0 * 1 * 9 * 128 * 128, conv2 = 32.0 * 16 * 9 * 64 * 64;
    const double conv3 = 64.0 * 32 * 9 * 32 * 32, conv4 = 128.0 * 64 * 9 * 16 * 16;
    const double linears = 8192.0 * 128 + 128 * 10;
    const double macs = conv1 + conv2 + conv3 + conv4 + linears;  // 60,032,256
    CHECK(f.forward == 2 * macs);
    CHECK(f.backward == 2 * (2 * macs) - 2 * conv1);  // weight and input gradients; the image needs no gradient
    CHECK(std::fabs(f.total() / 1e9 - 0.3555) < 1e-4);
    CHECK(f.not_counted.empty());
}

TEST_CASE("bench-train: the CRNN's GRU is named as not counted, not silently left out") {
    BuiltModel built = build_model(resolve_model_text("crnn"), "crnn", 0);
    CHECK(cli::training_flops_per_sample(*built.model, built.input_shape).not_counted == "GRU");
}

TEST_CASE("bench-train: the SGEMM peak is a positive, finite speed") {
    const double g = cli::measure_sgemm_gflops(96, 1);
    CHECK(std::isfinite(g));
    CHECK(g > 0);
}
