// The CUDA caching allocator's public face (plain C++: usable from trainers, tests and CPU-only builds,
// where the functions report an empty allocator).
//
// Why a caching allocator: cudaMalloc and cudaFree are slow (cudaFree synchronises the whole device), and a
// training step creates and drops dozens of activation tensors. So a released block is not given back to
// the driver but kept in a free list for its size bucket, and the next request of that bucket reuses it.
// After the first training step every size the step needs is cached: the training loop then makes no
// cudaMalloc/cudaFree calls at all (allocator_stats().device_mallocs stops growing: a GPU test checks it).
//
// Sizes are rounded up to buckets, so blocks of slightly different sizes can share a free list:
//   <= 512 B           -> 512 B
//   <= 1 MiB           -> the next power of two                          (at most 2x for small blocks)
//   >  1 MiB           -> the next multiple of a quarter of the power of two below it   (at most 25% waste)
// Plain device memory (cudaMalloc), never managed memory.
//
// Private pools for CUDA graphs (framework/cuda/graph.h): while a pool is active, allocations come from and
// return to that pool only; its blocks stay reserved for the graph until the pool is released, because a
// graph replays with the addresses it captured.
#pragma once
#include <cstddef>
#include <cstdint>

namespace melgrad::cuda {

inline size_t bucket_bytes(size_t bytes) {
    if (bytes <= 512) return 512;
    size_t pow2 = 1024;
    while (pow2 < bytes) pow2 <<= 1;  // smallest power of two >= bytes
    if (pow2 <= ((size_t)1 << 20)) return pow2;
    size_t step = (pow2 >> 1) / 4;    // a quarter of the power of two below
    return (bytes + step - 1) / step * step;
}

struct AllocatorStats {
    uint64_t device_mallocs = 0;   // cudaMalloc calls so far
    uint64_t device_frees = 0;     // cudaFree calls so far (only empty_cache() frees)
    uint64_t cache_hits = 0;       // allocations served from a free list
    size_t bytes_reserved = 0;     // held from the driver (in use + cached)
    size_t bytes_in_use = 0;       // handed out to tensors
};
AllocatorStats allocator_stats();
// Gives every cached, unused block of the default pool back to the driver (synchronises the device).
void empty_cache();

// Private pools (for graph capture). begin_private_pool() makes a new pool current and returns its id;
// end_private_pool() makes the default pool current again; release_private_pool(id) moves the pool's free
// blocks to the default pool (blocks still in use go there when they are released).
int begin_private_pool();
void end_private_pool();
void release_private_pool(int id);

}  // namespace melgrad::cuda
