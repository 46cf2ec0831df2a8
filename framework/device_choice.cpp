#include "framework/device_choice.h"

#include <cstdio>
#include <stdexcept>

namespace melgrad {

Device choose_device(const std::string& flag, bool announce) {
    if (flag == "cpu") return Device::CPU;
    if (flag == "cuda") {
        if (!cuda_compiled())
            throw std::runtime_error("--device cuda: this melgrad was built without the CUDA backend "
                                     "(nvcc and cuDNN were not found at build time)");
        if (!cuda_available()) throw std::runtime_error("--device cuda: no CUDA GPU is visible on this machine");
        return Device::CUDA;
    }
    if (flag == "auto") {
        if (cuda_compiled() && cuda_available()) {
            if (announce) std::fprintf(stderr, "device: auto -> cuda (a GPU is present)\n");
            return Device::CUDA;
        }
        if (announce)
            std::fprintf(stderr, "device: auto -> cpu (%s)\n",
                         cuda_compiled() ? "no GPU found" : "built without the CUDA backend");
        return Device::CPU;
    }
    throw std::invalid_argument("--device must be auto, cpu or cuda, got '" + flag + "'");
}

}  // namespace melgrad
