// The fast CPU path's whole convolution block in training: Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d(2) as one op.
//
// bn_relu_maxpool.h fuses the last three layers, but they still pass over the convolution's output y, which does not
// fit in any cache (33.5 MB in the paper CNN's first block), three times forward (BatchNorm's mean, its variance,
// then normalise + ReLU + pool), and backward they write BatchNorm's dx, as large as y, only for the convolution's
// backward to read it back as its dy. The fast convolution (conv2d_fast.cpp) works in bands of 512 output pixels, and
// a band of y is in the core's cache right after its GEMM: so here the statistics and dy are made band by band.
//
//   forward   for each band of y, right after the GEMM writes it: per channel its count n_b, mean mu_b and
//             M2_b = sum over the band of (y - mu_b)^2 (conv2d_forward_fast's after_band hook). Then the bands are
//             merged per channel, in image and band order, by the rule of Chan, Golub and LeVeque (1979):
//               n = n_a + n_b,   delta = mu_b - mu_a,   mu = mu_a + delta * n_b / n,
//               M2 = M2_a + M2_b + delta^2 * n_a * n_b / n,          and at the end  var = M2 / m
//             That is BatchNorm's mean and (biased) variance without reading y again; one pass then normalises,
//             rectifies and pools, as bn_relu_maxpool does.
//   backward  BatchNorm's sums sum(dy) and sum(dy * xhat) from the windows (as bn_relu_maxpool), then the
//             convolution's backward, which asks for each band of its dy (conv2d_backward_fast's dy_band hook) and
//             gets BatchNorm's dx for those rows, computed into a band-sized buffer that stays in cache.
// The merged statistics equal the two-pass ones of the BatchNorm2d layer up to float rounding, so the output is
// within rounding of the four layers', not the same bits (tests/framework/test_conv_bn_relu_maxpool.cpp checks it
// against the reference path). The weight-gradient sums are in the same fixed order for any thread count.
//
// In evaluation BatchNorm uses its running averages and needs no statistics: the block then runs as the convolution
// followed by bn_relu_maxpool. Sequential::forward picks which (framework/layers/sequential.cpp).
#pragma once
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/conv2d.h"
#include "framework/module.h"

namespace melgrad {

// True when a, b, c, d are Conv2d, BatchNorm2d (training, statistics of this process only), ReLU and
// MaxPool2d(kernel 2, stride 2), x is a CPU tensor on the fast path with the convolution's input channels, and the
// convolution's output fits bn_relu_maxpool (4-D, even height and width).
bool can_fuse_conv_bn_relu_maxpool(const Module& a, const Module& b, const Module& c, const Module& d, const Tensor& x);

// Whether the op computes the convolution's output again, band by band, in the pooling pass and in the backward,
// instead of keeping it: for convolutions of at most 9 multiply-adds per output value (one input channel, 3x3),
// where that costs less than writing the output to memory and reading it back twice.
bool conv_bn_relu_maxpool_recomputes_y(const Conv2dGeometry& g);

// The four layers' output, (N, K, P/2, Q/2); records one tape node for the four.
Tensor conv_bn_relu_maxpool_forward(Conv2d& conv, BatchNorm2d& bn, const Tensor& x);

}  // namespace melgrad
