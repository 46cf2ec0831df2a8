// Which CPU code path the layers use, and how many threads it may take.
//
//   CpuPath::Reference  plain loops a reader can check by hand (naive convolution and matmul). The truth.
//   CpuPath::Fast       im2col + OpenBLAS SGEMM and OpenMP-parallel loops. Tested against Reference.
//
// CUDA tensors always run on the CUDA backend; this setting only concerns CPU tensors.
#pragma once

namespace melgrad {

enum class CpuPath { Reference, Fast };
void set_cpu_path(CpuPath p);
CpuPath cpu_path();
const char* cpu_path_name(CpuPath p);

// Threads for OpenMP loops and OpenBLAS. 0 = all cores (the default).
void set_num_threads(int n);
int num_threads();

}  // namespace melgrad
