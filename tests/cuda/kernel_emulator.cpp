// The fiber scheduler behind tests/cuda/kernel_emulator.h.
#include "tests/cuda/kernel_emulator.h"

#include <ucontext.h>

#include <stdexcept>
#include <string>
#include <vector>

uint3 threadIdx, blockIdx;
dim3 blockDim, gridDim;

namespace melgrad::kernel_emulator {
namespace {

constexpr unsigned kMaxThreadsPerBlock = 1024;  // as on every CUDA GPU
constexpr size_t kStackBytes = 64 * 1024;       // our kernels keep a few scalars and one call chain

struct Fiber {
    ucontext_t context;
    std::vector<char> stack;
    bool finished = false;
};

ucontext_t scheduler;
Fiber* current = nullptr;
const std::function<void()>* current_body = nullptr;

void fiber_entry() {
    (*current_body)();
    current->finished = true;
}  // returns to `scheduler` (uc_link)

uint3 coordinates(unsigned linear, dim3 extent) {
    return {linear % extent.x, (linear / extent.x) % extent.y, linear / (extent.x * extent.y)};
}

void run_block(std::vector<Fiber>& fibers, unsigned threads, Order order, const std::function<void()>& body) {
    current_body = &body;
    for (unsigned t = 0; t < threads; t++) {
        Fiber& f = fibers[t];
        f.finished = false;
        getcontext(&f.context);
        f.context.uc_stack.ss_sp = f.stack.data();
        f.context.uc_stack.ss_size = f.stack.size();
        f.context.uc_link = &scheduler;
        makecontext(&f.context, fiber_entry, 0);
    }
    for (;;) {  // one round: every unfinished thread runs up to its next barrier or its end
        for (unsigned k = 0; k < threads; k++) {
            unsigned t = order == Order::Forward ? k : threads - 1 - k;
            Fiber& f = fibers[t];
            if (f.finished) continue;
            threadIdx = coordinates(t, blockDim);
            current = &f;
            swapcontext(&scheduler, &f.context);
        }
        unsigned finished = 0, waiting = 0;
        for (unsigned t = 0; t < threads; t++) (fibers[t].finished ? finished : waiting) += 1;
        if (waiting == 0) return;
        if (finished > 0)
            throw std::logic_error("kernel emulator: __syncthreads() reached by " + std::to_string(waiting) + " of " +
                                   std::to_string(threads) + " threads of block (" + std::to_string(blockIdx.x) +
                                   ", " + std::to_string(blockIdx.y) + ", " + std::to_string(blockIdx.z) +
                                   "); the others had returned");
    }
}

}  // namespace

void run_grid(dim3 grid, dim3 block, Order order, const std::function<void()>& body) {
    const unsigned threads = block.x * block.y * block.z;
    if (threads == 0 || threads > kMaxThreadsPerBlock)
        throw std::logic_error("kernel emulator: a block of " + std::to_string(threads) +
                               " threads (CUDA allows 1 to 1024)");
    const unsigned blocks = grid.x * grid.y * grid.z;
    if (blocks == 0) throw std::logic_error("kernel emulator: a grid of 0 blocks (CUDA rejects the launch)");
    static std::vector<Fiber> fibers(kMaxThreadsPerBlock);
    for (unsigned t = 0; t < threads; t++)
        if (fibers[t].stack.empty()) fibers[t].stack.resize(kStackBytes);
    gridDim = grid;
    blockDim = block;
    struct EndOfLaunch {  // __syncthreads() outside a launch is then an error, not a jump into a stale fiber
        ~EndOfLaunch() { current = nullptr; }
    } end_of_launch;
    for (unsigned k = 0; k < blocks; k++) {
        blockIdx = coordinates(order == Order::Forward ? k : blocks - 1 - k, grid);
        run_block(fibers, threads, order, body);
    }
}

}  // namespace melgrad::kernel_emulator

void __syncthreads() {
    using namespace melgrad::kernel_emulator;
    if (!current) throw std::logic_error("kernel emulator: __syncthreads() called outside a kernel launch");
    swapcontext(&current->context, &scheduler);
}
