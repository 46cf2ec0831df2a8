// CUDA graph capture and replay of a training step: see framework/cuda/graph.h for the rules.
#include <cuda_runtime.h>

#include <stdexcept>

#include "framework/cuda/check.h"
#include "framework/cuda/graph.h"
#include "framework/cuda/memory.h"

namespace melgrad::cuda {

namespace {
__global__ void increment_counter(uint64_t* counter) { *counter += 1; }

uint64_t* replay_counter() {
    static uint64_t* counter = [] {
        void* p = nullptr;
        CUDA_CHECK(cudaMalloc(&p, sizeof(uint64_t)));  // once per program, outside the caching allocator
        CUDA_CHECK(cudaMemsetAsync(p, 0, sizeof(uint64_t), stream()));
        return static_cast<uint64_t*>(p);
    }();
    return counter;
}
}  // namespace

const uint64_t* graph_replay_counter() { return replay_counter(); }

struct CudaGraphStep::Impl {
    std::function<void()> step;
    cudaGraph_t graph = nullptr;
    cudaGraphExec_t exec = nullptr;
    int pool = -1;
    uint64_t replays = 0;
};

CudaGraphStep::CudaGraphStep(std::function<void()> step) : impl_(std::make_unique<Impl>()) {
    impl_->step = std::move(step);
}

CudaGraphStep::~CudaGraphStep() {
    if (impl_->exec) cudaGraphExecDestroy(impl_->exec);
    if (impl_->graph) cudaGraphDestroy(impl_->graph);
    if (impl_->pool >= 0) release_private_pool(impl_->pool);
}

bool CudaGraphStep::captured() const { return impl_->exec != nullptr; }
uint64_t CudaGraphStep::replays() const { return impl_->replays; }

void CudaGraphStep::capture() {
    if (impl_->exec) throw std::logic_error("CudaGraphStep::capture: already captured");
    uint64_t* counter = replay_counter();
    CUDA_CHECK(cudaStreamSynchronize(stream()));  // the eager warm-up has finished
    impl_->pool = begin_private_pool();
    {
        // every way out of this block, a failed BeginCapture or EndCapture included, goes back to the
        // default pool (else every later eager allocation would come from the graph's pool)
        struct DefaultPoolOnExit {
            ~DefaultPoolOnExit() { end_private_pool(); }
        } back_to_default_pool;
        // Relaxed: allocations from the driver (cudaMalloc, for the private pool's first blocks) are allowed
        // while capturing; they are not stream operations and do not become part of the graph.
        CUDA_CHECK(cudaStreamBeginCapture(stream(), cudaStreamCaptureModeRelaxed));
        try {
            increment_counter<<<1, 1, 0, stream()>>>(counter);  // first node: a new dropout draw per replay
            CUDA_CHECK_LAUNCH("increment_counter");
            impl_->step();
        } catch (...) {
            cudaGraph_t broken = nullptr;
            cudaStreamEndCapture(stream(), &broken);  // leave the stream usable
            if (broken) cudaGraphDestroy(broken);
            (void)cudaGetLastError();
            throw;
        }
        CUDA_CHECK(cudaStreamEndCapture(stream(), &impl_->graph));
    }
    CUDA_CHECK(cudaGraphInstantiate(&impl_->exec, impl_->graph, 0));
    CUDA_CHECK(cudaGraphUpload(impl_->exec, stream()));
}

void CudaGraphStep::replay() {
    if (!impl_->exec) throw std::logic_error("CudaGraphStep::replay before capture()");
    CUDA_CHECK(cudaGraphLaunch(impl_->exec, stream()));
    impl_->replays++;
}

}  // namespace melgrad::cuda
