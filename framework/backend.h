// Which CPU code path the layers use, and how many threads it may take.
//
//   CpuPath::Reference  plain loops a reader can check by hand (naive convolution and matmul). The truth.
//   CpuPath::Fast       im2col + OpenBLAS SGEMM for Conv2d and Linear. Tested against Reference.
// The layers with one CPU version (ReLU, BatchNorm, pooling, ...) run the same OpenMP loops on both paths.
//
// CUDA tensors always run on the CUDA backend; this setting only concerns CPU tensors.
//
// Every op picks its implementation the same way, in one small function next to the layer that a reader
// (and grep) can follow, e.g. relu_forward in framework/layers/relu.cpp:
//
//   void relu_forward(Engine engine, const float* x, float* y, size_t n) {
//       if (engine == Engine::Cuda) cuda::relu_forward(x, y, n);   // framework/layers/relu.cu
//       else relu_forward_cpu(x, y, n);                            // framework/layers/relu.cpp
//   }
//
// and the layer calls it with engine_for(x): where x lives, and for a CPU tensor the CPU path.
#pragma once

namespace melgrad {

class Tensor;

enum class CpuPath { Reference, Fast };
void set_cpu_path(CpuPath p);
CpuPath cpu_path();
const char* cpu_path_name(CpuPath p);

// Which implementation of an op runs. Ops whose CPU code has two versions (Conv2d, Linear) have
// NAME_reference and NAME_fast; the others have one CPU version, NAME_cpu, for both CPU engines.
enum class Engine { CpuReference, CpuFast, Cuda };
Engine engine_for(const Tensor& t);  // a CUDA tensor -> Cuda; a CPU tensor -> the CPU path above

// For an op that has no GPU version yet: its picking function says `if (engine == Engine::Cuda)
// cuda_not_implemented("NAME_forward");`, so a new layer builds and runs on the CPU before anyone writes a
// kernel, and a CUDA tensor that reaches it is a clear error instead of a link error.
[[noreturn]] void cuda_not_implemented(const char* op);

// Threads for OpenMP loops and OpenBLAS. 0 = all cores (the default).
void set_num_threads(int n);
int num_threads();

}  // namespace melgrad
