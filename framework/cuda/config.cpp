// Plain C++ (compiled in every build): see framework/cuda/config.h.
#include "framework/cuda/config.h"

#include <atomic>

namespace melgrad::cuda {

namespace {
std::atomic<bool> g_tf32{false};
std::atomic<bool> g_deterministic{false};
}  // namespace

void set_tf32(bool on) { g_tf32 = on; }
bool tf32_enabled() { return g_tf32; }
void set_deterministic(bool on) { g_deterministic = on; }
bool deterministic() { return g_deterministic; }

}  // namespace melgrad::cuda
