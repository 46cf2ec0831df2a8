// Dropout's behaviour (its gradient is in test_gradcheck_layers.cpp): identity in evaluation mode; in
// training mode it keeps about 1 - p of the values, scaled by 1 / (1 - p), and a seed reproduces the mask.
#include <doctest/doctest.h>

#include <cmath>

#include "framework/layers/dropout.h"
#include "framework/tape.h"

using namespace melgrad;

TEST_CASE("dropout: evaluation mode is the identity") {
    Dropout drop(0.5f);
    drop.eval();
    Tensor x = Tensor::full({4, 1000}, 3.0f);
    Tensor y = drop.forward(x);
    for (size_t i = 0; i < x.numel(); i++) REQUIRE(y.at(i) == 3.0f);
}

TEST_CASE("dropout: training keeps about 1 - p of the values and scales them by 1/(1 - p)") {
    for (float p : {0.1f, 0.5f, 0.8f}) {
        Dropout drop(p);
        drop.train();
        drop.set_random_stream(42);
        NoGrad ng;
        const size_t n = 100000;
        Tensor x = Tensor::full({1, (int)n}, 2.0f);
        Tensor y = drop.forward(x);
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            float v = y.at(i);
            if (v != 0.0f) {
                kept++;
                REQUIRE(v == doctest::Approx(2.0f / (1.0f - p)));
            }
        }
        double frac = (double)kept / n;
        // Binomial: the standard deviation of frac is sqrt(p(1-p)/n) (at most 0.0016 here); allow 5 sigma.
        const double sigma = std::sqrt((double)p * (1.0 - p) / n);
        CHECK(std::fabs(frac - (1.0 - p)) <= 5 * sigma);
    }
}

TEST_CASE("dropout: the same stream gives the same mask, another stream another mask") {
    Dropout drop(0.5f);
    NoGrad ng;
    Tensor x = Tensor::full({1, 256}, 1.0f);
    drop.set_random_stream(7);
    std::vector<float> a = drop.forward(x).to_vector();
    std::vector<float> a2 = drop.forward(x).to_vector();  // the second call of the step: a new mask
    drop.set_random_stream(7);
    std::vector<float> b = drop.forward(x).to_vector();
    drop.set_random_stream(8);
    std::vector<float> c = drop.forward(x).to_vector();
    CHECK(a == b);
    CHECK(a != a2);
    CHECK(a != c);
}

TEST_CASE("dropout: a rank's shard of the batch gets the rows of the whole batch's mask (set_sample_offset)") {
    // Data-parallel training: rank 1 holds samples 2..3 of a batch of 4; its masks must be those rows of the
    // mask one process draws for the whole batch, or N ranks would not train what one process trains.
    NoGrad ng;
    Tensor whole = Tensor::full({4, 3, 5}, 1.0f), shard = Tensor::full({2, 3, 5}, 1.0f);
    Dropout one(0.5f), rank1(0.5f);
    one.set_random_stream(7);
    rank1.set_random_stream(7);
    rank1.set_sample_offset(2);
    Tensor y = one.forward(whole), y1 = rank1.forward(shard);
    for (size_t i = 0; i < shard.numel(); i++) REQUIRE(y1.at(i) == y.at(2 * 15 + i));
    rank1.set_sample_offset(0);  // without the offset: rows 0..1 instead (the check above can fail)
    rank1.set_random_stream(7);
    Tensor y0 = rank1.forward(shard);
    size_t same = 0;
    for (size_t i = 0; i < shard.numel(); i++) same += y0.at(i) == y.at(2 * 15 + i);
    CHECK(same < shard.numel());
}
