// Device memory for CUDA tensors: the caching allocator (see framework/cuda/allocator.h for the why and
// the bucket sizes), the one stream, host<->device copies through pinned staging buffers, and the runtime
// check for a GPU.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "framework/cuda/check.h"
#include "framework/cuda/fill_kernels.cuh"
#include "framework/cuda/memory.h"
#include "framework/tensor.h"

namespace melgrad {
namespace cuda {

void fail(const char* call, const char* file, int line, const std::string& status) {
    throw std::runtime_error(std::string("CUDA call failed: ") + call + " at " + file + ":" + std::to_string(line) +
                             ": " + status);
}

cudaStream_t stream() {
    static cudaStream_t s = [] {
        cudaStream_t created;
        CUDA_CHECK(cudaStreamCreateWithFlags(&created, cudaStreamNonBlocking));
        return created;
    }();
    return s;
}

bool stream_is_capturing() {
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    CUDA_CHECK(cudaStreamIsCapturing(stream(), &status));
    return status != cudaStreamCaptureStatusNone;
}

// ---- the caching allocator ------------------------------------------------------------------------
namespace {

constexpr int kDefaultPool = 0;

class CachingAllocator {
public:
    void* allocate(size_t bytes) {
        const size_t bucket = bucket_bytes(bytes);
        std::lock_guard<std::mutex> lock(mutex_);
        auto& list = free_[{current_pool_, bucket}];
        void* p = nullptr;
        if (!list.empty()) {
            p = list.back();
            list.pop_back();
            stats_.cache_hits++;
        } else {
            cudaError_t err = cudaMalloc(&p, bucket);
            if (err == cudaErrorMemoryAllocation && current_pool_ == kDefaultPool && !capturing_locked()) {
                (void)cudaGetLastError();   // clear the error, give the cached blocks back, retry once
                release_cached_locked(kDefaultPool);
                err = cudaMalloc(&p, bucket);
            }
            if (err != cudaSuccess) {
                (void)cudaGetLastError();  // see CUDA_CHECK: the next kernel launch check must not see it
                fail("cudaMalloc", __FILE__, __LINE__,
                     std::string(cudaGetErrorString(err)) + " (asked for " + std::to_string(bucket) + " bytes; " +
                         std::to_string(stats_.bytes_in_use) + " in use, " + std::to_string(stats_.bytes_reserved) +
                         " reserved)");
            }
            stats_.device_mallocs++;
            stats_.bytes_reserved += bucket;
        }
        live_[p] = Block{bucket, current_pool_};
        stats_.bytes_in_use += bucket;
        return p;
    }

    void release(void* p) {
        if (!p) return;
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = live_.find(p);
        if (it == live_.end()) return;  // not ours: never happens; a destructor must not throw
        Block b = it->second;
        live_.erase(it);
        stats_.bytes_in_use -= b.bytes;
        int pool = released_pools_.count(b.pool) ? kDefaultPool : b.pool;
        free_[{pool, b.bytes}].push_back(p);
    }

    void empty_cache() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (capturing_locked()) throw std::runtime_error("empty_cache() during CUDA graph capture");
        release_cached_locked(kDefaultPool);
    }

    int begin_pool() {
        std::lock_guard<std::mutex> lock(mutex_);
        current_pool_ = ++last_pool_;
        return current_pool_;
    }
    void end_pool() {
        std::lock_guard<std::mutex> lock(mutex_);
        current_pool_ = kDefaultPool;
    }
    void release_pool(int id) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (id == kDefaultPool) return;
        released_pools_[id] = true;
        if (current_pool_ == id) current_pool_ = kDefaultPool;
        for (auto it = free_.begin(); it != free_.end();) {
            if (it->first.first == id) {
                auto& dst = free_[{kDefaultPool, it->first.second}];
                dst.insert(dst.end(), it->second.begin(), it->second.end());
                it = free_.erase(it);
            } else {
                ++it;
            }
        }
    }

    AllocatorStats stats() {
        std::lock_guard<std::mutex> lock(mutex_);
        return stats_;
    }

private:
    struct Block {
        size_t bytes;
        int pool;
    };
    bool capturing_locked() {
        cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
        return cudaStreamIsCapturing(stream(), &status) == cudaSuccess && status != cudaStreamCaptureStatusNone;
    }
    void release_cached_locked(int pool) {
        for (auto it = free_.begin(); it != free_.end();) {
            if (it->first.first != pool) { ++it; continue; }
            for (void* p : it->second) {
                cudaFree(p);  // unchecked on purpose: a cleanup path; a failure here changes nothing we can fix
                stats_.device_frees++;
                stats_.bytes_reserved -= it->first.second;
            }
            it = free_.erase(it);
        }
    }

    std::mutex mutex_;
    std::map<std::pair<int, size_t>, std::vector<void*>> free_;  // (pool, bucket) -> cached blocks
    std::unordered_map<void*, Block> live_;                        // blocks handed out
    std::map<int, bool> released_pools_;
    int current_pool_ = kDefaultPool, last_pool_ = kDefaultPool;
    AllocatorStats stats_;
};

// Never destroyed: tensors that die during static destruction still release into it, and freeing device
// memory after the CUDA runtime has shut down would fail anyway (the driver reclaims it at exit).
CachingAllocator& allocator() {
    static CachingAllocator* a = new CachingAllocator();
    return *a;
}

}  // namespace

void* allocate_bytes(size_t bytes) { return allocator().allocate(bytes); }
void release_bytes(void* p) { allocator().release(p); }
AllocatorStats allocator_stats() { return allocator().stats(); }
void empty_cache() { allocator().empty_cache(); }
int begin_private_pool() { return allocator().begin_pool(); }
void end_private_pool() { allocator().end_pool(); }
void release_private_pool(int id) { allocator().release_pool(id); }

// ---- pinned staging for host -> device copies -------------------------------------------------------
// A copy from ordinary (pageable) host memory cannot be a true asynchronous DMA. We copy the batch into one
// of two page-locked staging buffers and queue the DMA from there; while it runs, the next chunk is copied
// into the other buffer. An event per buffer says when its previous DMA has finished and it may be reused.
namespace {
class PinnedStaging {
public:
    static constexpr size_t kChunkBytes = (size_t)8 << 20;  // 8 MiB per buffer

    void host_to_device(void* dst, const void* src, size_t bytes) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!buffers_[0]) init();
        const char* s = static_cast<const char*>(src);
        char* d = static_cast<char*>(dst);
        for (size_t done = 0; done < bytes; done += kChunkBytes) {
            size_t n = bytes - done < kChunkBytes ? bytes - done : kChunkBytes;
            CUDA_CHECK(cudaEventSynchronize(ready_[next_]));  // its previous DMA is done
            std::memcpy(buffers_[next_], s + done, n);
            CUDA_CHECK(cudaMemcpyAsync(d + done, buffers_[next_], n, cudaMemcpyHostToDevice, stream()));
            CUDA_CHECK(cudaEventRecord(ready_[next_], stream()));
            next_ ^= 1;
        }
    }

private:
    void init() {
        for (int i = 0; i < 2; i++) {
            CUDA_CHECK(cudaMallocHost(&buffers_[i], kChunkBytes));
            CUDA_CHECK(cudaEventCreateWithFlags(&ready_[i], cudaEventDisableTiming));
            CUDA_CHECK(cudaEventRecord(ready_[i], stream()));
        }
    }
    std::mutex mutex_;
    void* buffers_[2] = {nullptr, nullptr};
    cudaEvent_t ready_[2];
    int next_ = 0;
};

PinnedStaging& staging() {
    static PinnedStaging* s = new PinnedStaging();  // never destroyed, as the allocator
    return *s;
}

void refuse_during_capture(const char* what) {
    if (stream_is_capturing())
        throw std::runtime_error(std::string(what) +
                                 " during CUDA graph capture: copy batches into the graph's static inputs before "
                                 "replay, and read results after it (framework/cuda/graph.h)");
}
}  // namespace

}  // namespace cuda

// ---- the hooks framework/tensor.cpp calls for CUDA tensors -------------------------------------------
namespace cuda_memory {
float* allocate(size_t count) { return static_cast<float*>(cuda::allocate_bytes(count ? count * sizeof(float) : 4)); }
void release(float* p, size_t) { cuda::release_bytes(p); }

void copy(float* dst, bool dst_gpu, const float* src, bool src_gpu, size_t count) {
    const size_t bytes = count * sizeof(float);
    if (bytes == 0) return;
    if (dst_gpu && src_gpu) {
        CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, cuda::stream()));
    } else if (dst_gpu) {
        cuda::refuse_during_capture("a host-to-device copy");
        cuda::staging().host_to_device(dst, src, bytes);
    } else if (src_gpu) {
        cuda::refuse_during_capture("a device-to-host copy");
        CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, cuda::stream()));
        CUDA_CHECK(cudaStreamSynchronize(cuda::stream()));  // the caller reads dst next
    } else {
        std::memcpy(dst, src, bytes);
    }
}

void fill(float* dst, float value, size_t count) {
    if (count == 0) return;
    cuda::kernels::fill_kernel<<<cuda::blocks_for(count), cuda::kThreads, 0, cuda::stream()>>>(dst, value, count);
    CUDA_CHECK_LAUNCH("fill_kernel");
}
}  // namespace cuda_memory

bool cuda_compiled() { return true; }
bool cuda_available() {
    static const bool available = [] {
        int n = 0;
        bool ok = cudaGetDeviceCount(&n) == cudaSuccess && n > 0;
        (void)cudaGetLastError();  // a failed query (no driver) must not linger as a sticky error
        return ok;
    }();
    return available;
}

}  // namespace melgrad
