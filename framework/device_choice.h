// --device auto|cpu|cuda -> the Device a command runs on.
//
//   auto  CUDA when this binary has the CUDA backend and a GPU is present, else the CPU; one line on
//         `log` says which and why ("device: cuda (GPU found)" / "device: cpu (no GPU found: ...)")
//   cpu   the CPU, silently
//   cuda  CUDA, or a std::runtime_error saying why it is not possible (no backend compiled in, no GPU)
// Plain C++: works in CPU-only builds.
#pragma once
#include <cstdio>
#include <string>

#include "framework/tensor.h"

namespace melgrad {

Device choose_device(const std::string& flag, std::FILE* log = stderr);

}  // namespace melgrad
