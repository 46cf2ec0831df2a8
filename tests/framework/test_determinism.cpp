// Same seed, same machine -> bit-identical training losses on the CPU: every parallel sum in the fast path
// runs in a fixed order (framework/layers/conv2d_fast.cpp), and the random draws come from framework/rng.h.
#include <doctest/doctest.h>

#include <cstring>

#include "framework/backend.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/optim/adam.h"
#include "framework/rng.h"
#include "framework/tape.h"

using namespace melgrad;

namespace {
std::vector<float> train_tiny_cnn(uint64_t seed, int steps) {
    // tiny-cnn plus a dropout layer, so the masks' reproducibility is covered too.
    std::string text = resolve_model_text("tiny-cnn");
    text.replace(text.find("linear out=classes"), 18, "dropout p=0.3\nlinear out=classes");
    BuiltModel built = build_model(text, "tiny-cnn + dropout", seed);
    Sequential& model = *built.model;
    model.train();
    Adam opt(model.parameters(), 1e-3);
    Rng rng(seed);
    const int N = 6;
    Tensor x({N, 1, 128, 128});
    std::vector<int> labels(N);
    std::vector<float> losses;
    current_tape().clear();
    for (int step = 0; step < steps; step++) {
        for (size_t i = 0; i < x.numel(); i++) x.at(i) = rng.normal();
        for (int n = 0; n < N; n++) labels[n] = (int)rng.below(10);
        model.set_random_stream(seed * 1000 + step);
        opt.zero_grad();
        Tensor loss = softmax_cross_entropy(model.forward(x), labels);
        backward(loss);
        opt.step();
        losses.push_back(loss.item());
    }
    return losses;
}
}  // namespace

TEST_CASE("determinism: same seed -> bit-identical training losses (tiny-cnn + dropout, Adam, CPU fast path)") {
    std::vector<float> a = train_tiny_cnn(5, 4), b = train_tiny_cnn(5, 4), c = train_tiny_cnn(6, 4);
    REQUIRE(a.size() == b.size());
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);  // bits, not approximately
    CHECK(a != c);                                                          // and the seed matters
    CHECK(a.back() != a.front());                                           // it did train
}
