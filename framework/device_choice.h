// --device auto|cpu|cuda, decided in one place.
//   auto: the GPU when this build has the CUDA backend and a GPU is present (one line says so), else the
//         CPU (one line says why).
//   cuda: the GPU, or a clear error when there is none.
#pragma once
#include <string>

#include "framework/tensor.h"

namespace melgrad {
Device choose_device(const std::string& flag, bool announce = true);
// The same for a model whose layer `cpu_only_layer` (Module::cpu_only_layer(), "" for none) has no CUDA
// implementation: auto keeps it on the CPU (one line says why), cuda refuses it with the layer named.
Device choose_device(const std::string& flag, bool announce, const std::string& cpu_only_layer);
}
