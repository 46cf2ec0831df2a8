// The bias add and bias gradient of Conv2d and Linear on the GPU (framework/cuda/bias.cu; the per-channel
// sums are BatchNorm's too: framework/cuda/channel_reduce.cuh). Device pointers; plain C++.
#pragma once

namespace melgrad::cuda {

// out[c] += sum over n, i of x[n, c, i] for an (N, C, HW) tensor: Conv2d's db (HW = P*Q), Linear's (HW = 1).
void channel_sum_add(const float* x, float* out, int N, int C, int HW);
// y[i] = b[channel] (overwrite) or y[i] += b[channel] (accumulate), for an (N, K, PQ) tensor.
void bias_apply(float* y, const float* b, int N, int K, int PQ, bool accumulate);

}  // namespace melgrad::cuda
