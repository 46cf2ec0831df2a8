// CudaGraphStep: capture a training step once, replay it every step (CUDA graphs).
//
// Why: the paper CNN at batch 32 is small, and an eager step launches ~150 kernels and library calls; with
// each launch costing a few microseconds of CPU time, the GPU waits on the CPU. A CUDA graph records the
// whole sequence once and launches it as one unit.
//
// Rules a graph imposes (all checked or documented here):
//   * shapes are fixed: the graph replays exactly the captured kernels on exactly the captured addresses.
//     So inputs go through static tensors: copy each batch into them before replay(), read outputs after.
//   * no host<->device copies and no allocation from the driver during replay. Replay runs no host code,
//     so nothing allocates; during capture, allocations come from a private pool of the caching allocator
//     (framework/cuda/allocator.h) whose blocks stay reserved for the graph until it is destroyed.
//   * pre-warm with one eager step of the same shapes before capture(): cuDNN algorithms are chosen
//     (cudnnFind cannot run inside a capture), the cuDNN workspace reaches its size, and parameter
//     gradients exist (their addresses must not change after capture).
//   * host-side numbers are frozen into the graph as kernel arguments. Dropout would therefore repeat its
//     mask: while capturing, the dropout kernel also mixes in a device-side replay counter that the graph
//     itself increments first, so every replay draws a new mask (reproducible from the seed and the replay
//     number, but not equal to the eager masks). An optimizer whose scalars change per step (Adam's bias
//     correction, any learning-rate schedule) must NOT be captured: capture forward + backward and call
//     optimizer.step() eagerly after replay(). Plain SGD with a constant learning rate may be captured.
//
// Usage:
//   Tensor x({B, 1, 128, 128}, Device::CUDA); IndexBuffer y(B, Device::CUDA); Tensor loss_out({1}, Device::CUDA);
//   auto step = [&] { model.zero_grad(); Tensor loss = softmax_cross_entropy(model(x), y);
//                     backward(loss); loss_out.copy_from(loss); };
//   step(); optimizer.step();                        // eager warm-up, same shapes
//   CudaGraphStep graph(step); graph.capture();
//   for each batch: x.copy_from(bx); y.copy_from(by); graph.replay(); optimizer.step(); loss_out.item();
//
// Plain C++ header; in a CPU-only build capture() throws a clear error.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>

namespace melgrad::cuda {

class CudaGraphStep {
public:
    explicit CudaGraphStep(std::function<void()> step);
    ~CudaGraphStep();
    CudaGraphStep(const CudaGraphStep&) = delete;
    CudaGraphStep& operator=(const CudaGraphStep&) = delete;

    void capture();       // records step() (its kernels do not run now); throws if already captured
    void replay();        // launches the captured graph on melgrad's stream (asynchronous)
    bool captured() const;
    uint64_t replays() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace melgrad::cuda
