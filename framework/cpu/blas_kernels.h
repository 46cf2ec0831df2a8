// Which OpenBLAS kernels run: on AMD Zen 4, its AVX2 ("Haswell") ones, which are faster there than the AVX-512
// ones it picks by itself (see framework/cpu/blas_kernels.cpp for the measurements).
#pragma once

namespace melgrad {

// Call first thing in main(). On a Zen 4 CPU, when OPENBLAS_CORETYPE is not set, sets OPENBLAS_CORETYPE=Haswell
// and runs this program again from the start with the same arguments (OpenBLAS reads the variable only when
// it is loaded, before main). Otherwise, or if that fails, returns and nothing changes. An OPENBLAS_CORETYPE
// already in the environment is respected: OPENBLAS_CORETYPE=Cooperlake keeps OpenBLAS's own choice.
void use_preferred_blas_kernels(char** argv);

}  // namespace melgrad
