// melgrad bench-train-gpu: training samples/s on the GPU with the data already there (random batch, no
// dataset), the figure bench/gpu/run_gpu.sh compares with PyTorch. Same setup as `melgrad bench-train` on
// the CPU: Adam (lr 1e-3), the model in training mode (dropout on).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "framework/cuda/allocator.h"
#include "framework/cuda/config.h"
#include "framework/cuda/graph.h"
#include "framework/cuda/handoff.h"
#include "framework/index_buffer.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/optim/adam.h"
#include "framework/rng.h"
#include "framework/tape.h"

namespace melgrad::cli {
namespace {

int cmd_bench_train_gpu(const std::vector<std::string>& args) {
    Args a(args, "melgrad bench-train-gpu");
    const int batch = a.int_option("--batch", 32);
    const int steps = a.int_option("--steps", 200);
    const int warmup = a.int_option("--warmup", 10);
    const std::string model_name = a.option("--model", "paper-cnn");
    const bool tf32 = a.flag("--tf32"), use_graph = a.flag("--graph"), det = a.flag("--deterministic");
    a.finish_no_positional();
    if (batch <= 0 || steps <= 0 || warmup < 1)
        throw UsageError("--batch and --steps must be positive and --warmup at least 1");
    hand_off_to_cuda_build("cuda");  // build/melgrad starts this command again as build/melgrad-cuda
    if (!cuda_available())
        throw std::runtime_error(cuda_compiled() ? "no GPU found: bench-train-gpu needs one"
                                                 : "this melgrad was built without the CUDA backend");
    cuda::set_tf32(tf32);
    cuda::set_deterministic(det);

    BuiltModel m = build_model(resolve_model_text(model_name), model_name, 0);
    m.model->to(Device::CUDA);
    m.model->train();
    Adam opt(m.model->parameters(), 1e-3);

    Shape xs = {batch};
    xs.insert(xs.end(), m.input_shape.begin(), m.input_shape.end());
    Rng rng(0);
    Tensor host_x(xs);
    for (size_t i = 0; i < host_x.numel(); i++) host_x.at(i) = rng.uniform();
    std::vector<int> host_y(batch);
    const int classes = m.output_shape.empty() ? 10 : m.output_shape[0];
    for (int& y : host_y) y = (int)rng.below((uint64_t)classes);
    Tensor x = host_x.to(Device::CUDA), loss_out({1}, Device::CUDA);
    IndexBuffer labels = IndexBuffer::from_vector(host_y, Device::CUDA);

    // Forward and backward; the Adam update stays outside (its bias correction changes every step, so it
    // must not be frozen into a CUDA graph: framework/cuda/graph.h).
    auto forward_backward = [&] {
        opt.zero_grad();
        Tensor loss = softmax_cross_entropy(m.model->forward(x), labels);
        backward(loss);
        loss_out.copy_from(loss);
    };
    for (int i = 0; i < warmup; i++) {
        m.model->set_random_stream((uint64_t)i);
        forward_backward();
        opt.step();
    }
    cuda::CudaGraphStep graph(forward_backward);
    if (use_graph) graph.capture();
    float first_loss = loss_out.item();  // also waits for the warm-up to finish

    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    for (int i = 0; i < steps; i++) {
        if (use_graph) {
            graph.replay();
        } else {
            m.model->set_random_stream((uint64_t)(warmup + i));
            forward_backward();
        }
        opt.step();
    }
    float last_loss = loss_out.item();  // waits for the GPU
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();

    cuda::AllocatorStats st = cuda::allocator_stats();
    std::printf("melgrad %s, batch %d, Adam, TF32 %s, deterministic %s, CUDA graph %s\n", model_name.c_str(), batch,
                tf32 ? "on" : "off", det ? "on" : "off", use_graph ? "on (forward+backward)" : "off");
    std::printf("loss %.4f -> %.4f over %d timed steps; allocator: %llu cudaMalloc calls, %.0f MiB reserved\n",
                first_loss, last_loss, steps, (unsigned long long)st.device_mallocs,
                st.bytes_reserved / 1048576.0);
    std::printf("wall s: %.3f\n", seconds);
    std::printf("samples/s: %.1f\n", (double)batch * steps / seconds);
    return 0;
}

MELGRAD_COMMAND("bench-train-gpu", "training samples/s on the GPU (random data already on the device)",
                "usage: melgrad bench-train-gpu [--batch 32] [--steps 200] [--warmup 10] [--model paper-cnn]\n"
                "                               [--tf32] [--graph] [--deterministic]\n\n"
                "Trains the model with Adam on one random batch kept on the GPU and prints samples/s.\n"
                "  --tf32           allow TF32 tensor-core math (default: off, true float32)\n"
                "  --graph          capture forward+backward once in a CUDA graph and replay it\n"
                "  --deterministic  deterministic cuDNN algorithms only\n"
                "Fails with a clear message when there is no GPU or no CUDA backend.",
                cmd_bench_train_gpu);

}  // namespace
}  // namespace melgrad::cli
