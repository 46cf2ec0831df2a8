// The fast CPU path's fused block: BatchNorm2d -> ReLU -> MaxPool2d(2) in one pass over the activations.
//
// In the paper CNN every conv block ends with these three layers, and on the CPU they are bound by memory, not
// arithmetic: the first block's activations (32 x 16 x 128 x 128 floats, 33.5 MB) do not fit in any cache, and
// the three layers one after another pass over tensors of that size seven times forward and about nine times
// backward. Fused, the forward reads x three times (twice for the statistics, once to normalise, rectify and
// pool) and writes only the pooled quarter (the output, each window's argmax and the input there); the backward
// reads x once and writes dx once, after a pass over the quarter-size window tensors for BatchNorm's sums.
//
// The math is the three layers' (framework/layers/batchnorm2d.h, relu.h, pool2d.h), in the same float operations:
//   forward   out[w] = max over the 2x2 window w of relu(x * scale + shift)   (first maximum wins, as MaxPool2d)
//   backward  dy (the gradient at BatchNorm's output) is dout[w] at the window's maximum when out[w] > 0, and 0
//             everywhere else (ReLU passes nothing where its output is 0; max-pool passes to its argmax only);
//             then BatchNorm's backward with that dy: sum(dy) and sum(dy * xhat) need only the windows' maxima.
// So the output and the running statistics are the same bits as the three layers'; the gradients are the same up
// to the order of float sums (tests/framework/test_bn_relu_maxpool.cpp checks both against the reference path).
//
// Sequential::forward uses it where can_fuse_bn_relu_maxpool() says so; the three layers stay in the model (their
// parameters, their names, their own forward for anyone who runs them one by one, like MELGRAD_PROFILE=1 and
// `melgrad explain`). The reference path never fuses.
#pragma once
#include "framework/layers/batchnorm2d.h"
#include "framework/module.h"

namespace melgrad {

// True when a, b, c are BatchNorm2d, ReLU and MaxPool2d(kernel 2, stride 2), x is a CPU tensor on the fast path,
// 4-D with an even height and width, and (in training) has more than one value per channel.
bool can_fuse_bn_relu_maxpool(const Module& a, const Module& b, const Module& c, const Tensor& x);
// The same test without the tensor's place: the layers, and the shape of their input x.
bool bn_relu_maxpool_fits(const Module& a, const Module& b, const Module& c, const Shape& x);

// The three layers' output, (N, C, H/2, W/2); records one tape node for the three.
Tensor bn_relu_maxpool_forward(BatchNorm2d& bn, const Tensor& x);  // bn.training() picks the statistics

}  // namespace melgrad
