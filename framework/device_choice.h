// --device auto|cpu|cuda, decided in one place.
//   auto: the GPU when this build has the CUDA backend and a GPU is present (one line says so), else the
//         CPU (one line says why).
//   cuda: the GPU, or a clear error when there is none.
// In build/melgrad, which has no CUDA backend of its own, a choice that lands on the GPU starts the command
// again as build/melgrad-cuda (framework/cuda/handoff.h): call it before the command writes anything.
#pragma once
#include <string>

#include "framework/tensor.h"

namespace melgrad {
Device choose_device(const std::string& flag, bool announce = true);
}
