#include "framework/device_choice.h"

#include <cstdio>
#include <stdexcept>

#include "framework/cuda/handoff.h"

namespace melgrad {

Device choose_device(const std::string& flag, bool announce) {
    if (flag != "auto" && flag != "cpu" && flag != "cuda")
        throw std::invalid_argument("--device must be auto, cpu or cuda, got '" + flag + "'");
    if (flag == "cpu") return Device::CPU;
    // build/melgrad has no CUDA backend of its own: when the GPU will be used, the command starts again as
    // build/melgrad-cuda and this call does not return (framework/cuda/handoff.h).
    hand_off_to_cuda_build(flag);
    const bool backend = cuda_compiled() || !cuda_build_path().empty();
    if (flag == "cuda") {
        if (!backend)
            throw std::runtime_error("--device cuda: this melgrad was built without the CUDA backend "
                                     "(nvcc and cuDNN were not found at build time)");
        if (!cuda_available()) throw std::runtime_error("--device cuda: no CUDA GPU is visible on this machine");
        return Device::CUDA;
    }
    if (cuda_compiled() && cuda_available()) {
        if (announce) std::fprintf(stderr, "device: auto -> cuda (a GPU is present)\n");
        return Device::CUDA;
    }
    if (announce)
        std::fprintf(stderr, "device: auto -> cpu (%s)\n", backend ? "no GPU found" : "built without the CUDA backend");
    return Device::CPU;
}

}  // namespace melgrad
