// On AMD Zen 4, ask OpenBLAS for its AVX2 ("Haswell") kernels instead of its AVX-512 ones.
//
// OpenBLAS (Debian's is built with DYNAMIC_ARCH) picks its kernels from the CPU's features when it is loaded.
// Zen 4 has AVX-512, so it gets the Cooperlake/SkylakeX kernels; but Zen 4 executes a 512-bit instruction as
// two 256-bit halves, and on the skinny GEMMs of a small CNN (16 to 128 output channels) the AVX2 kernels are
// faster. Measured on the paper CNN's convolution GEMMs (one core, OpenBLAS 0.3.21, GFLOP/s AVX-512 -> AVX2):
//   16 -> 32 channels at 64x64:   forward 66 -> 94, weight gradient 78 -> 89, input gradient 73 -> 94
//   32 -> 64 channels at 32x32:   forward 84 -> 105, 92 -> 101, 86 -> 105
//   64 -> 128 channels at 16x16:  forward 102 -> 109, 103 -> 108, 104 -> 109
// (the first layer's tiny GEMMs lose ~4 ms a step, the others gain ~18 ms).
//
// OpenBLAS reads the OPENBLAS_CORETYPE environment variable once, in its own initialiser, which runs before
// main(). Setting it from inside the program is then too late, and even a function in the executable's
// .preinit_array (which runs before every initialiser) cannot do it: the C library's initialiser runs next and
// resets the environment to the one the program was started with. So the program sets the variable and starts
// itself again (execv of /proc/self/exe, same arguments): a few milliseconds, once.
#include "framework/cpu/blas_kernels.h"

#include <cstdlib>  // first: it defines __GLIBC__
#include <cstring>

#if defined(__linux__) && defined(__GLIBC__) && defined(__x86_64__)
#include <cpuid.h>
#include <unistd.h>
#define MELGRAD_CHOOSE_BLAS_KERNELS 1
#endif

namespace melgrad {

#ifdef MELGRAD_CHOOSE_BLAS_KERNELS
// AMD family 25 (0x19) is Zen 3 and Zen 4; of these only Zen 4 has AVX-512. (Zen 5, family 26, executes
// 512-bit instructions at full width and keeps OpenBLAS's choice.)
static bool is_amd_zen4() {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return false;
    char vendor[13];
    std::memcpy(vendor, &ebx, 4);
    std::memcpy(vendor + 4, &edx, 4);
    std::memcpy(vendor + 8, &ecx, 4);
    vendor[12] = '\0';
    if (std::strcmp(vendor, "AuthenticAMD") != 0) return false;
    __get_cpuid(1, &eax, &ebx, &ecx, &edx);
    unsigned family = (eax >> 8) & 0xf;
    if (family == 0xf) family += (eax >> 20) & 0xff;
    if (family != 25) return false;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    return (ebx >> 16) & 1;  // AVX-512F
}

void use_preferred_blas_kernels(char** argv) {
    if (std::getenv("OPENBLAS_CORETYPE") || !is_amd_zen4()) return;
    if (setenv("OPENBLAS_CORETYPE", "Haswell", 0) != 0) return;
    execv("/proc/self/exe", argv);  // returns only on failure: then go on with the kernels already loaded
}
#else
void use_preferred_blas_kernels(char**) {}
#endif

}  // namespace melgrad
