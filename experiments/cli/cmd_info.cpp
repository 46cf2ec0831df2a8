// melgrad info: what this binary was built with and what it can use here.
#include <cstdio>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "framework/backend.h"
#include "framework/cuda/handoff.h"
#include "framework/tensor.h"

namespace melgrad::cli {
namespace {

int cmd_info(const std::vector<std::string>& args) {
    Args a(args, "melgrad info");
    a.finish_no_positional();
    if (cuda_compiled()) std::printf("CUDA backend : compiled in\n");
    else if (!cuda_build_path().empty())
        std::printf("CUDA backend : in melgrad-cuda beside this executable, started when a command uses the GPU\n");
    else std::printf("CUDA backend : not compiled (CPU-only build)\n");
    // this executable asks the driver itself, so that `melgrad info` stays as quick as the CPU build
    std::printf("GPU present  : %s\n", (cuda_compiled() ? cuda_available() : gpu_present_by_driver()) ? "yes" : "no");
    std::printf("CPU path     : %s (OpenBLAS + OpenMP), %d threads\n", cpu_path_name(cpu_path()), num_threads());
    return 0;
}

MELGRAD_COMMAND("info", "what this build can do here (backends, GPU, threads)",
                "usage: melgrad info\n\nPrints whether the CUDA backend is compiled in, whether a GPU is present,\n"
                "and the CPU path and thread count.",
                cmd_info);

}  // namespace
}  // namespace melgrad::cli
