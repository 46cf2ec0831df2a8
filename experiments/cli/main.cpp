// build/melgrad: the command-line entry point. Every command registers itself (see command.h).
#include <string>
#include <vector>

#include "experiments/cli/command.h"
#include "framework/cpu/blas_kernels.h"
#include "framework/cuda/handoff.h"

int main(int argc, char** argv) {
    melgrad::use_preferred_blas_kernels(argv);  // may restart the program once (framework/cpu/blas_kernels.cpp)
    melgrad::remember_command_line(argv);       // for a hand-off to build/melgrad-cuda (framework/cuda/handoff.h)
    std::vector<std::string> args(argv + 1, argv + argc);
    return melgrad::cli::run_command(args);
}
