// Max pooling on ties: the gradient goes to the first maximum of the window in reading order (as PyTorch),
// for the vectorised 2x2 path and the general path alike. (Gradient checks avoid ties; this covers them.)
#include <doctest/doctest.h>

#include "framework/layers/pool2d.h"
#include "framework/tape.h"

using namespace melgrad;

namespace {
std::vector<float> input_gradient(MaxPool2d& pool, const Tensor& x_in) {
    Tensor x = x_in.clone();
    x.set_requires_grad(true);
    current_tape().clear();
    Tensor y = pool.forward(x);
    current_tape().backward(y, Tensor::full(y.shape(), 1.0f));
    return x.grad().to_vector();
}
}  // namespace

TEST_CASE("maxpool: ties send the gradient to the first maximum in reading order (2x2 path and general path)") {
    // One 4x4 plane; every 2x2 window has a tie between two of its cells.
    Tensor x = Tensor::from_vector({1, 1, 4, 4}, {5, 5, 1, 2,    //  window (0,0): tie top-left/top-right
                                                  0, 1, 7, 3,    //  window (0,1): 7 at bottom-left, ...
                                                  2, 0, 4, 4,    //  window (1,0): tie top-left/bottom-right
                                                  1, 2, 4, 4});  //  window (1,1): all four equal
    // Reading order within a window: top-left, top-right, bottom-left, bottom-right.
    std::vector<float> expected = {1, 0, 0, 0,
                                   0, 0, 1, 0,
                                   1, 0, 1, 0,
                                   0, 0, 0, 0};
    // Window (1,0) is {2, 0 / 1, 2}: first maximum top-left. Window (1,1) is {4, 4 / 4, 4}: top-left.
    MaxPool2d two(2);                   // the vectorised 2x2, stride-2 path
    CHECK(input_gradient(two, x) == expected);
    MaxPool2d general(2, 1);            // stride 1: the general path; windows overlap, gradients add up
    std::vector<float> expected_general = {1, 0, 0, 0,    // (0,0) wins its window over the tied (0,1)
                                           0, 0, 4, 0,    // 7 wins 4 windows
                                           2, 0, 2, 0,    // 2 at (2,0) beats the tied 2 at (3,1); 4 at (2,2) first
                                           0, 0, 0, 0};
    CHECK(input_gradient(general, x) == expected_general);
}
