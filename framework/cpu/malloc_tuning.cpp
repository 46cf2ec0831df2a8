// Keep freed tensor memory in the process instead of handing it back to the kernel.
//
// A training step allocates and frees the same big tensors every time (the paper CNN's first activations
// are 32 x 16 x 128 x 128 floats = 33.5 MB each). glibc serves blocks above its mmap threshold (at most
// 32 MB) with a fresh mmap() and returns them with munmap(), so every step paid ~8000 page faults per
// such tensor, and the kernel zeroed each page: in the first profile ReLU's backward spent most of its
// time there. Two settings make glibc reuse the memory instead: serve every block from the heap (no mmap)
// and never trim the heap's top. After the first step the heap holds what a step needs and no page is
// faulted again. (PyTorch gets the same effect on the CPU from its allocator or from jemalloc/tcmalloc.)
// Runs once, before main(), in every program linked with the framework.
#include <malloc.h>

namespace melgrad {
namespace {
bool tune_malloc() {
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);                 // no mmap for big blocks: take them from the heap
    mallopt(M_TRIM_THRESHOLD, 1 << 30);     // and keep up to 1 GiB of free heap for the next step
    mallopt(M_TOP_PAD, 64 << 20);           // grow the heap in 64 MB steps (fewer brk calls)
#endif
    return true;
}
const bool g_malloc_tuned = tune_malloc();
}  // namespace
}  // namespace melgrad
