#include "framework/device_choice.h"

#include <stdexcept>

namespace melgrad {

Device choose_device(const std::string& flag, std::FILE* log) {
    if (flag == "cpu") return Device::CPU;
    const char* why_not = !cuda_compiled() ? "this melgrad was built without the CUDA backend (nvcc or cuDNN not found)"
                          : !cuda_available() ? "the CUDA backend is compiled in, but no GPU was found at run time"
                                              : nullptr;
    if (flag == "auto") {
        if (why_not) {
            if (log) std::fprintf(log, "device: cpu (auto: %s)\n", why_not);
            return Device::CPU;
        }
        if (log) std::fprintf(log, "device: cuda (auto: a GPU was found)\n");
        return Device::CUDA;
    }
    if (flag == "cuda") {
        if (why_not) throw std::runtime_error(std::string("--device cuda: ") + why_not + "; use --device cpu or auto");
        return Device::CUDA;
    }
    throw std::runtime_error("--device must be auto, cpu or cuda, got '" + flag + "'");
}

}  // namespace melgrad
