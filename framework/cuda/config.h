// Numerics switches of the CUDA backend (plain C++: callable from trainers and from CPU-only builds, where
// they are recorded and have no effect).
//
// TF32 (off by default). Ampere and later GPUs can run float32 matrix products on tensor cores by rounding
// the inputs to TF32 (10-bit mantissa, float32 range): several times faster, but each product carries
// ~1e-3 relative error, so GPU results would no longer match the CPU reference to 1e-5.
//   off: cuDNN convolutions use CUDNN_FMA_MATH, cuBLAS uses CUBLAS_COMPUTE_32F   (true float32)
//   on:  cuDNN uses CUDNN_TENSOR_OP_MATH, cuBLAS uses CUBLAS_COMPUTE_32F_FAST_TF32
//
// Deterministic mode (off by default). cuDNN's fastest backward algorithms may add partial results with
// atomics, whose order (and so the last bits of the sum) changes from run to run. When on, only algorithms
// that cuDNN reports as CUDNN_DETERMINISTIC are used and they are chosen by cuDNN's heuristics instead of
// by timing (cudnnFind* could pick a different algorithm in each run). Our own kernels are deterministic
// in both modes (fixed-order reductions, no float atomics).
//
// Algorithm choices are cached per (shape, tf32, deterministic), so switching mid-run is safe.
#pragma once

namespace melgrad::cuda {

void set_tf32(bool on);
bool tf32_enabled();
void set_deterministic(bool on);
bool deterministic();

}  // namespace melgrad::cuda
