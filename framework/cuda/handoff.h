// Two executables from one `make`, so that a CPU user does not pay for CUDA:
//   build/melgrad       every CPU part and the stubs of framework/cuda/cpu_only.cpp; links no CUDA library
//   build/melgrad-cuda  the same program with the CUDA backend (cudart, cuBLAS, cuDNN), built when nvcc and cuDNN
//                       are found
// Loading cudart, cuBLAS(Lt) and cuDNN costs about 0.1 s per process even on a machine without a GPU, more than
// the whole of `melgrad predict` of a 30 s clip. So build/melgrad starts without them, and when a command is about
// to use the GPU, choose_device() (framework/device_choice.cpp) hands the same command line to melgrad-cuda with
// execv(): the process becomes melgrad-cuda and starts the command again from the beginning. Only reads happen
// before a command chooses its device, so starting again repeats no output and writes no file twice.
#pragma once
#include <string>

namespace melgrad {

// Call first thing in main(): the command line that hand_off_to_cuda_build() starts again.
void remember_command_line(char** argv);

// The sibling executable melgrad-cuda beside this one, or "" when there is none (a CPU-only build, or this
// process already is melgrad-cuda).
std::string cuda_build_path();

// Whether the NVIDIA driver (libcuda.so.1) loads and reports at least one GPU. Cheap where there is no driver
// (the library is not found: well under a millisecond); it never loads the CUDA runtime, cuBLAS or cuDNN.
bool gpu_present_by_driver();

// The decision, apart from the machine, for the tests: hand off when there is a CUDA build to hand off to and
// the device flag asks for the GPU ("cuda"), or leaves it to us ("auto") and a GPU is present.
bool should_hand_off(const std::string& device_flag, bool have_cuda_build, bool gpu_present);

// In build/melgrad: when should_hand_off() says so for this machine, replace this process by melgrad-cuda with
// the remembered command line (it does not return; a failed execv is a clear error). Otherwise returns.
// In melgrad-cuda (and in the tests, which link the CUDA backend) it always returns.
void hand_off_to_cuda_build(const std::string& device_flag);

}  // namespace melgrad
