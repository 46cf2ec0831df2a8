// im2col / col2im: the reshuffle that turns a convolution into one matrix product.
//
// For one image x (C, H, W), im2col builds the matrix col with C*R*S rows and P*Q columns:
//   col[(c*R + r)*S + s][p*Q + q] = x[c, p*stride_h - pad_h + r, q*stride_w - pad_w + s]   (0 outside)
// Column (p, q) is the receptive field of output pixel (p, q), unrolled. Then, with the weights seen as a
// K x (C*R*S) matrix,   y (K x P*Q) = W · col   — which is exactly the convolution sum.
// col2im is its transpose: it *adds* each column entry back to the input pixel it came from (overlapping
// windows sum up), which is what the backward pass needs for dx.
#pragma once
#include "framework/layers/conv2d.h"

namespace melgrad {
//
// Both work on a band of output rows p0 <= p < p1 (the whole image: 0, P): col then has (p1 - p0) * Q
// columns, those of the band's output pixels. The fast path cuts big images into bands (see
// framework/layers/conv2d_fast.cpp).
void im2col(const float* x_image, float* col, const Conv2dGeometry& g, int p0, int p1);
// col2im_add may overwrite entries of col that belong to no input pixel (padding) with zeros.
void col2im_add(float* col, float* dx_image, const Conv2dGeometry& g, int p0, int p1);
}  // namespace melgrad
