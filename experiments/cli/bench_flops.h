// What bench-train compares its speed with: the work of a training step, counted from the layer shapes, and
// the machine's own SGEMM speed, measured in the same run.
#pragma once
#include <string>

#include "framework/layers/sequential.h"

namespace melgrad::cli {

// Floating-point operations of one training sample (forward + backward), counted from the shapes of the
// Conv2d and Linear layers, where nearly all of them are (BatchNorm, ReLU, pooling, dropout do a few per
// element: under 1 % for the paper CNN). A layer with weight W (K output channels) and output of `out`
// elements does W.numel() * out / K multiply-adds (W.numel() per output position), 2 FLOPs each, forward; backward the same again for the
// weight gradient and again for the input gradient, except layer 0, whose input (the data) needs none.
// For the paper CNN: 60.0 M multiply-adds, 120 MFLOP forward, 235 MFLOP backward, 0.355 GFLOP in all.
struct TrainingFlops {
    double forward = 0, backward = 0;
    std::string not_counted;  // layers with parameters of another kind (GRU, ...), "" when none
    double total() const { return forward + backward; }
};
TrainingFlops training_flops_per_sample(Sequential& model, const Shape& input_shape);

// OpenBLAS's single-precision GEMM speed in GFLOP/s on n x n x n (2 n^3 FLOPs a call), the best of `reps`
// calls after one warm-up, on the threads set by set_num_threads(): the machine's practical peak.
double measure_sgemm_gflops(int n, int reps);

// The machine's other limit, for the steps that are bound by memory rather than arithmetic: GB/s of one pass
// y[i] = a * x[i] + b over two arrays of `megabytes` MB each (far larger than the caches), counted as the bytes
// read plus the bytes written (as the STREAM benchmark counts), best of `reps` after one warm-up, on the threads
// set by set_num_threads().
double measure_memory_gbps(int megabytes, int reps);

}  // namespace melgrad::cli
