// Per-thread scratch memory for the fast path (im2col's column matrix, per-thread gradient sums).
//
// Each OpenMP thread keeps its own buffers and only grows them, so after the first step no kernel
// allocates: a convolution asks for its column matrix (one band of output rows, at most 0.59 MB for the paper
// CNN: chapter 4, "Why im2col") and gets the same memory every time.
// thread_local: OpenMP reuses its worker threads, so the buffers live as long as the thread pool.
#pragma once
#include <cstddef>
#include <vector>

namespace melgrad {

// Slot 0, 1, ...: independent buffers of the calling thread. The contents are not kept between calls.
float* thread_scratch(int slot, size_t count);

}  // namespace melgrad
