#include "framework/cpu/scratch.h"

#include <memory>
#include <stdexcept>

namespace melgrad {

float* thread_scratch(int slot, size_t count) {
    thread_local std::vector<std::vector<float>> buffers;
    if (slot < 0 || slot > 15) throw std::logic_error("thread_scratch: slot out of range");
    if ((size_t)slot >= buffers.size()) buffers.resize(slot + 1);
    std::vector<float>& b = buffers[slot];
    if (b.size() < count) b.resize(count);
    return b.data();
}

}  // namespace melgrad
