#include "framework/cuda/handoff.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "framework/tensor.h"

namespace melgrad {
namespace {
std::vector<char*>& command_line() {
    static std::vector<char*> argv;  // as main() received it, ending with nullptr once remembered
    return argv;
}
}  // namespace

void remember_command_line(char** argv) {
    command_line().clear();
    for (char** a = argv; *a; ++a) command_line().push_back(*a);
    command_line().push_back(nullptr);
}

std::string cuda_build_path() {
    if (cuda_compiled()) return "";  // this process has the backend itself
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return "";
    std::string path(self, (size_t)n);
    path = path.substr(0, path.rfind('/') + 1) + "melgrad-cuda";
    return access(path.c_str(), X_OK) == 0 ? path : "";
}

bool gpu_present_by_driver() {
    // The driver API's two calls, looked up by name: no CUDA header or library is needed to build this.
    void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!driver) return false;  // no NVIDIA driver installed: no GPU
    using InitFn = int (*)(unsigned flags);
    using CountFn = int (*)(int* count);
    auto init = reinterpret_cast<InitFn>(dlsym(driver, "cuInit"));
    auto count = reinterpret_cast<CountFn>(dlsym(driver, "cuDeviceGetCount"));
    int gpus = 0;
    // 0 is CUDA_SUCCESS. The library stays loaded: this process either becomes melgrad-cuda right away or
    // goes on without a GPU.
    return init && count && init(0) == 0 && count(&gpus) == 0 && gpus > 0;
}

bool should_hand_off(const std::string& device_flag, bool have_cuda_build, bool gpu_present) {
    if (!have_cuda_build) return false;
    return device_flag == "cuda" || (device_flag == "auto" && gpu_present);
}

void hand_off_to_cuda_build(const std::string& device_flag) {
    if (device_flag != "cuda" && device_flag != "auto") return;
    const std::string target = cuda_build_path();
    // the probe runs only when it can change the answer: for "auto" with a CUDA build beside us
    const bool gpu = !target.empty() && device_flag == "auto" && gpu_present_by_driver();
    if (!should_hand_off(device_flag, !target.empty(), gpu)) return;
    if (command_line().empty())
        throw std::logic_error("hand_off_to_cuda_build: main() did not call remember_command_line()");
    execv(target.c_str(), command_line().data());  // returns only on failure
    throw std::runtime_error(target + ": cannot start the CUDA build of melgrad (" + std::strerror(errno) + ")");
}

}  // namespace melgrad
