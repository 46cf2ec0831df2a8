// GPU tests of the CUDA backend: every op against the CPU reference on random inputs and odd shapes
// (relative error <= 1e-5 with TF32 off), forward and backward; the optimizer kernels; the allocator's
// "no cudaMalloc in the training loop"; training steps of the paper CNN and the CRNN, GPU against the CPU
// reference step by step, within tolerances measured on the CPU (tests/cuda/agreement_run.h); 50-step
// deterministic-mode GPU runs bit-identical; CUDA-graph replay equal to eager steps.
//
// On a machine without a GPU every test case here is skipped with its reason (the runner lists them).
// Relative error of a tensor: max |gpu - cpu| / max |cpu| (max-norm), so one near-zero element cannot
// make the measure meaningless.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/backend.h"
#include "framework/cuda/allocator.h"
#include "framework/cuda/config.h"
#include "framework/cuda/graph.h"
#include "framework/device_choice.h"
#include "framework/index_buffer.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/conv2d.h"
#include "framework/layers/dropout.h"
#include "framework/layers/flatten.h"
#include "framework/layers/gru.h"
#include "framework/layers/linear.h"
#include "framework/layers/pool2d.h"
#include "framework/layers/relu.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/layers/to_sequence.h"
#include "framework/model_text.h"
#include "framework/optim/adam.h"
#include "framework/optim/sgd.h"
#include "framework/rng.h"
#include "framework/tape.h"
#include "tests/cuda/agreement_run.h"

using namespace melgrad;

#define GPU_TEST_CASE(name) \
    TEST_CASE(name * doctest::skip(!cuda_available()) * doctest::description("no GPU: CUDA backend not run here"))

namespace {

constexpr double kTol = agreement::kLayerTolerance;  // 1e-5; measured: tests/cuda/test_agreement_tolerances.cpp

struct Fp32Guard {  // TF32 off and determinism as asked, restored afterwards
    bool tf32 = cuda::tf32_enabled(), det = cuda::deterministic();
    explicit Fp32Guard(bool deterministic_mode = false) {
        cuda::set_tf32(false);
        cuda::set_deterministic(deterministic_mode);
    }
    ~Fp32Guard() {
        cuda::set_tf32(tf32);
        cuda::set_deterministic(det);
    }
};

Tensor random_tensor(const Shape& s, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
    Rng rng(seed);
    Tensor t(s);
    for (size_t i = 0; i < t.numel(); i++) t.at(i) = rng.uniform(lo, hi);
    return t;
}

double rel_err(const Tensor& gpu, const Tensor& cpu) {
    std::vector<float> a = gpu.to_vector(), b = cpu.to_vector();
    REQUIRE(a.size() == b.size());
    double diff = 0, scale = 0;
    for (size_t i = 0; i < a.size(); i++) {
        if (std::isnan(a[i]) != std::isnan(b[i])) return INFINITY;
        diff = std::max(diff, (double)std::fabs(a[i] - b[i]));
        scale = std::max(scale, (double)std::fabs(b[i]));
    }
    return scale > 0 ? diff / scale : diff;
}

#define CHECK_CLOSE_TOL(gpu, cpu, what, tol)                                      \
    do {                                                                          \
        double e_ = rel_err(gpu, cpu);                                            \
        CHECK_MESSAGE(e_ <= (tol), std::string(what) << ": relative error " << e_);            \
    } while (0)
#define CHECK_CLOSE(gpu, cpu, what) CHECK_CLOSE_TOL(gpu, cpu, what, kTol)

bool same_bits(const Tensor& gpu, const Tensor& cpu) {
    std::vector<float> a = gpu.to_vector(), b = cpu.to_vector();
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Builds the layer twice (constructors initialise deterministically), moves one copy to the GPU, runs
// forward and backward (a random output gradient) on both and compares output, input gradient, every
// parameter gradient and every buffer, within `tol` (agreement_run.h: kLongSumLayerTolerance where a sum
// runs over thousands of products).
void check_layer(const std::function<std::unique_ptr<Module>()>& make, const Shape& in, bool training,
                 const std::string& what, double tol = kTol, uint64_t seed = 1) {
    CAPTURE(what);
    auto cpu = make(), gpu = make();
    gpu->to(Device::CUDA);
    cpu->set_training(training);
    gpu->set_training(training);
    cpu->set_random_stream(seed);
    gpu->set_random_stream(seed);

    Tensor x_cpu = random_tensor(in, seed).set_requires_grad(true);
    Tensor x_gpu = x_cpu.to(Device::CUDA).set_requires_grad(true);
    // Pass 0 writes fresh gradients; pass 1 runs forward and backward again without zeroing them, so every
    // kernel's accumulate (+=) branch runs too: the gradients are then the sums of both passes.
    for (int pass = 0; pass < 2; pass++) {
        const std::string tag = what + (pass ? " (accumulated)" : "");
        Tensor y_cpu = cpu->forward(x_cpu);
        Tensor dy = random_tensor(y_cpu.shape(), seed + 1 + pass);
        current_tape().backward(y_cpu, dy);
        Tensor y_gpu = gpu->forward(x_gpu);
        REQUIRE(y_gpu.device() == Device::CUDA);
        current_tape().backward(y_gpu, dy.to(Device::CUDA));

        // The test is closeness (tol); how many tensors came out bit-identical is reported as information
        // (docs/11-cuda-backend.md, "No FMA contraction", says which should).
        int compared = 0, identical = 0;
        auto compare = [&](const Tensor& g, const Tensor& c, const std::string& name) {
            CHECK_CLOSE_TOL(g, c, tag + " " + name, tol);
            compared += 1;
            identical += same_bits(g, c) ? 1 : 0;
        };
        compare(y_gpu, y_cpu, "forward");
        compare(x_gpu.grad(), x_cpu.grad(), "input gradient");
        auto pc = cpu->parameters(), pg = gpu->parameters();
        REQUIRE(pc.size() == pg.size());
        for (size_t i = 0; i < pc.size(); i++)
            compare(pg[i].tensor->grad(), pc[i].tensor->grad(), pc[i].name + " gradient");
        auto bc = cpu->buffers(), bg = gpu->buffers();
        for (size_t i = 0; i < bc.size(); i++) compare(*bg[i].tensor, *bc[i].tensor, bc[i].name);
        MESSAGE(tag << ": " << identical << " of " << compared << " tensors bit-identical to the CPU");
    }
}

template <class L, class... A> std::function<std::unique_ptr<Module>()> maker(A... args) {
    return [=] { return std::unique_ptr<Module>(new L(args...)); };
}

}  // namespace

GPU_TEST_CASE("cuda: --device choice picks the GPU when there is one") {
    CHECK(choose_device("cuda", false) == Device::CUDA);
    CHECK(choose_device("auto", false) == Device::CUDA);
    CHECK(choose_device("cpu", false) == Device::CPU);
}

GPU_TEST_CASE("cuda: tensors round-trip through device memory; IndexBuffer too") {
    Tensor a = random_tensor({3, 5, 7}, 3);
    Tensor g = a.to(Device::CUDA);
    CHECK(g.to_vector() == a.to_vector());
    Tensor big = random_tensor({3, 1024, 1024}, 4);  // 12 MiB: more than one pinned staging chunk
    CHECK(big.to(Device::CUDA).to_vector() == big.to_vector());
    Tensor f = Tensor::full({1000}, 2.5f, Device::CUDA);
    CHECK(f.to_vector() == std::vector<float>(1000, 2.5f));
    IndexBuffer b = IndexBuffer::from_vector({4, -2, 9}, Device::CUDA);
    CHECK(b.to_vector() == std::vector<int>{4, -2, 9});
}

GPU_TEST_CASE("cuda: a failed CUDA call names the call, the file:line and CUDA's status string") {
    try {
        Tensor huge({1 << 20, 1 << 20}, Device::CUDA);  // 4 TiB
        FAIL("a 4 TiB allocation succeeded");
    } catch (const std::runtime_error& e) {
        std::string msg = e.what();
        CHECK(msg.find("cudaMalloc") != std::string::npos);
        CHECK(msg.find("memory.cu:") != std::string::npos);
        CHECK(msg.find("out of memory") != std::string::npos);
        MESSAGE(msg);
    }
    Tensor ok = Tensor::full({16}, 1.0f, Device::CUDA);  // the device is still usable afterwards
    CHECK(ok.to_vector() == std::vector<float>(16, 1.0f));
}

GPU_TEST_CASE("cuda: Conv2d (cuDNN) equals the CPU reference, odd shapes, forward and backward") {
    Fp32Guard fp32;
    set_cpu_path(CpuPath::Reference);
    check_layer(maker<Conv2d>(3, 5, 3, 1, 1, true), {2, 3, 9, 7}, true, "conv 3x3 pad 1");
    check_layer(maker<Conv2d>(4, 6, 5, 2, 2, true), {3, 4, 13, 11}, true, "conv 5x5 stride 2 pad 2");
    check_layer(maker<Conv2d>(2, 3, 1, 1, 0, false), {5, 2, 6, 5}, true, "conv 1x1 no bias");
    check_layer(maker<Conv2d>(3, 4, 2, 3, 0, true), {1, 3, 10, 8}, true, "conv 2x2 stride 3");
    check_layer(maker<Conv2d>(1, 16, 3, 1, 1, true), {4, 1, 32, 32}, true, "conv paper first layer",
                agreement::kLongSumLayerTolerance);  // weight gradient: a sum over 4 x 32 x 32 positions
    set_cpu_path(CpuPath::Fast);
    check_layer(maker<Conv2d>(16, 32, 3, 1, 1, true), {2, 16, 17, 15}, true, "conv 16->32 vs fast path");
}

GPU_TEST_CASE("cuda: deterministic-mode Conv2d equals the CPU and repeats bit for bit") {
    Fp32Guard fp32(/*deterministic=*/true);
    check_layer(maker<Conv2d>(4, 6, 3, 1, 1, true), {3, 4, 19, 13}, true, "deterministic conv");
    auto run = [] {
        Conv2d conv(4, 6, 3, 1, 1);
        conv.to(Device::CUDA);
        Tensor x = random_tensor({3, 4, 19, 13}, 31).to(Device::CUDA).set_requires_grad(true);
        Tensor y = conv.forward(x);
        current_tape().backward(y, random_tensor(y.shape(), 32).to(Device::CUDA));
        std::vector<float> out = y.to_vector(), dw = conv.weight.grad().to_vector(), dx = x.grad().to_vector();
        out.insert(out.end(), dw.begin(), dw.end());
        out.insert(out.end(), dx.begin(), dx.end());
        return out;
    };
    std::vector<float> a = run(), b = run();
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

GPU_TEST_CASE("cuda: Linear (cuBLAS) equals the CPU reference") {
    Fp32Guard fp32;
    check_layer(maker<Linear>(37, 13, true), {5, 37}, true, "linear 37->13");
    check_layer(maker<Linear>(8192, 128, true), {3, 8192}, true, "linear paper 8192->128",
                agreement::kLongSumLayerTolerance);  // forward: a sum of 8192 products
    check_layer(maker<Linear>(7, 1, false), {1, 7}, true, "linear 7->1 no bias");
}

GPU_TEST_CASE("cuda: BatchNorm2d train and eval equal the CPU (statistics, running buffers, gradients)") {
    check_layer(maker<BatchNorm2d>(5), {3, 5, 7, 9}, true, "batchnorm train");
    check_layer(maker<BatchNorm2d>(16), {8, 16, 64, 64}, true, "batchnorm train, many splits");
    // Evaluation mode with non-trivial running statistics: one training forward first on both copies.
    auto cpu = std::make_unique<BatchNorm2d>(3), gpu = std::make_unique<BatchNorm2d>(3);
    gpu->to(Device::CUDA);
    Tensor warm = random_tensor({4, 3, 5, 5}, 77, 0.0f, 3.0f);
    { NoGrad ng; cpu->forward(warm); gpu->forward(warm.to(Device::CUDA)); }
    CHECK_CLOSE(gpu->running_mean, cpu->running_mean, "running_mean");
    CHECK_CLOSE(gpu->running_var, cpu->running_var, "running_var");
    cpu->eval();
    gpu->eval();
    Tensor x = random_tensor({2, 3, 6, 4}, 78).set_requires_grad(true);
    Tensor xg = x.to(Device::CUDA).set_requires_grad(true);
    Tensor y = cpu->forward(x);
    Tensor dy = random_tensor(y.shape(), 79);
    current_tape().backward(y, dy);
    Tensor yg = gpu->forward(xg);
    current_tape().backward(yg, dy.to(Device::CUDA));
    CHECK_CLOSE(yg, y, "batchnorm eval forward");
    CHECK_CLOSE(xg.grad(), x.grad(), "batchnorm eval input gradient");
    CHECK_CLOSE(gpu->weight.grad(), cpu->weight.grad(), "batchnorm eval weight gradient");
    CHECK_CLOSE(gpu->bias.grad(), cpu->bias.grad(), "batchnorm eval bias gradient");
}

GPU_TEST_CASE("cuda: ReLU, pooling, dropout, flatten equal the CPU") {
    check_layer(maker<ReLU>(), {3, 4, 5, 7}, true, "relu");
    check_layer(maker<MaxPool2d>(2, 0), {2, 3, 9, 7}, true, "maxpool 2 (odd input)");
    check_layer(maker<MaxPool2d>(3, 2), {2, 2, 11, 9}, true, "maxpool 3 stride 2 (overlapping)");
    check_layer(maker<AvgPool2d>(3, 2), {2, 2, 11, 9}, true, "avgpool 3 stride 2");
    check_layer(maker<AvgPool2d>(2, 0), {1, 3, 8, 6}, true, "avgpool 2");
    check_layer(maker<GlobalAvgPool2d>(), {2, 3, 5, 6}, true, "global avgpool");
    check_layer(maker<Dropout>(0.3f), {4, 257}, true, "dropout p=0.3 (same counter-based mask)");
    check_layer(maker<Dropout>(0.5f), {4, 257}, false, "dropout in eval mode");
    check_layer(maker<Flatten>(), {2, 3, 4, 5}, true, "flatten");
}

GPU_TEST_CASE("cuda: softmax cross-entropy equals the CPU (loss, probabilities, gradient)") {
    const int N = 37, C = 10;
    Tensor z = random_tensor({N, C}, 5, -8.0f, 8.0f).set_requires_grad(true);
    Tensor zg = z.to(Device::CUDA).set_requires_grad(true);
    std::vector<int> labels(N);
    Rng rng(6);
    for (int& l : labels) l = (int)rng.below(C);
    Tensor p, pg;
    Tensor loss = softmax_cross_entropy(z, labels, &p);
    backward(loss);
    Tensor loss_g = softmax_cross_entropy(zg, labels, &pg);
    backward(loss_g);
    CHECK_CLOSE(loss_g, loss, "loss");
    CHECK_CLOSE(pg, p, "probabilities");
    CHECK_CLOSE(zg.grad(), z.grad(), "logit gradient");
    // Labels already on the device; a bad one makes the loss NaN (a kernel cannot throw).
    Tensor bad = softmax_cross_entropy(zg.clone(), IndexBuffer::from_vector(std::vector<int>(N, C), Device::CUDA));
    CHECK(std::isnan(bad.item()));
}

GPU_TEST_CASE("cuda: SGD, Adam and AdamW kernels equal the CPU kernels") {
    auto run = [](Device d, int which) {
        Tensor w = random_tensor({1031}, 40).to(d).set_requires_grad(true);
        std::unique_ptr<Optimizer> opt;
        if (which == 0) opt = std::make_unique<SGD>(std::vector<NamedTensor>{{"w", &w}}, 0.1, 0.9, 0.0, 1e-2, true);
        if (which == 1) opt = std::make_unique<Adam>(std::vector<NamedTensor>{{"w", &w}}, 1e-2, 0.9, 0.999, 1e-8, 1e-3);
        if (which == 2) opt = std::make_unique<AdamW>(std::vector<NamedTensor>{{"w", &w}}, 1e-2);
        for (int step = 0; step < 3; step++) {
            w.grad().copy_from(random_tensor({1031}, 50 + step));
            opt->step();
        }
        return w.to(Device::CPU);
    };
    for (int which = 0; which < 3; which++) {
        Tensor cpu = run(Device::CPU, which), gpu = run(Device::CUDA, which);
        CHECK_MESSAGE(rel_err(gpu, cpu) <= 1e-6, "optimizer " << which);
        MESSAGE("optimizer " << which
                             << (gpu.to_vector() == cpu.to_vector() ? ": bit-identical" : ": not bit-identical"));
    }
}

namespace {
struct Batch {
    Tensor x;
    std::vector<int> labels;
};
std::vector<Batch> random_batches(int count, int batch, uint64_t seed) {
    std::vector<Batch> out;
    Rng rng(seed);
    for (int b = 0; b < count; b++) {
        Batch bt{random_tensor({batch, 1, 128, 128}, seed * 100 + b, 0.0f, 1.0f), std::vector<int>(batch)};
        for (int& l : bt.labels) l = (int)rng.below(10);
        out.push_back(bt);
    }
    return out;
}

// `steps` SGD steps (lr 0.01, momentum 0.9, random labels) of a builtin model on `device`; returns the loss
// of every step. A chaotic run (rounding differences grow about 5x a step): for GPU-vs-GPU bit equality only.
std::vector<float> train_losses(const std::string& model_name, Device device, int steps, int batch) {
    BuiltModel m = build_model(resolve_model_text(model_name), model_name, 1);
    m.model->to(device);
    SGD opt(m.model->parameters(), 0.01, 0.9);
    std::vector<Batch> data = random_batches(4, batch, 9);
    std::vector<float> losses;
    for (int step = 0; step < steps; step++) {
        const Batch& b = data[step % data.size()];
        m.model->set_random_stream(1000 + step);
        opt.zero_grad();
        Tensor loss = softmax_cross_entropy(m.model->forward(b.x.to(device)), b.labels);
        backward(loss);
        opt.step();
        losses.push_back(loss.item());
    }
    return losses;
}

// A builtin model trained on the CPU reference path and on the GPU (TF32 off) side by side, every step
// from the same weights (tests/cuda/agreement_run.h says why): each step's loss within kLossTolerance and
// every layer's gradient within kGradTolerance. tests/cuda/test_agreement_tolerances.cpp measures the CPU
// fast path (another order of additions, as cuDNN's) against the reference on the same setup, and requires
// it 10x below both; measured (make test prints the curves; docs/11-cuda-backend.md has them):
//   paper-cnn, 6 steps, batch 8: loss <= 2.1e-7 (tolerance 1e-5), gradient <= 1.7e-4 (tolerance 0.2)
//   crnn,      6 steps, batch 8: loss <= 1.1e-7,                   gradient <= 7.8e-4
// The gradient tolerance is loose on purpose: a max-pool window whose two largest inputs lie within rounding
// of each other sends its gradient either way on two correct implementations (up to 1e-2 of a layer's
// gradient measured over other data seeds); a planted 30% error in one tensor's gradient exceeds it, and a
// wrong forward shows in the loss at once.
void check_agreement(const agreement::Setup& setup) {
    Fp32Guard fp32;
    const std::vector<agreement::StepDivergence> curve = agreement::lockstep_divergence(
        setup, {Device::CPU, CpuPath::Reference}, {Device::CUDA, CpuPath::Reference});
    MESSAGE(setup.model << ", GPU vs CPU reference:\n" << agreement::format_curve(curve));
    for (size_t i = 0; i < curve.size(); i++) {
        CHECK_MESSAGE(curve[i].loss <= agreement::kLossTolerance, "step " << i << ": cpu " << curve[i].loss_a
                                                                          << " gpu " << curve[i].loss_b);
        CHECK_MESSAGE(curve[i].grad <= agreement::kGradTolerance, "step " << i << ": " << curve[i].worst_grad);
    }
}
}  // namespace

GPU_TEST_CASE("cuda: paper CNN training steps, GPU vs CPU reference, loss and gradients within measured tolerances") {
    check_agreement(agreement::paper_cnn_setup());
}

// The long runs are here: two GPU runs in deterministic mode must agree to the bit however chaotic the
// run (lr 0.01, momentum 0.9, random labels), so 50 steps only make the check stricter.
GPU_TEST_CASE("cuda: two deterministic-mode GPU runs give bit-identical losses (paper CNN and CRNN, 50 steps)") {
    Fp32Guard det(/*deterministic=*/true);
    for (const char* model : {"paper-cnn", "crnn"}) {
        CAPTURE(std::string(model));
        std::vector<float> a = train_losses(model, Device::CUDA, 50, 16);
        std::vector<float> b = train_losses(model, Device::CUDA, 50, 16);
        REQUIRE(a.size() == b.size());
        CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
    }
}

GPU_TEST_CASE("cuda: after the first step the training loop makes no cudaMalloc/cudaFree") {
    Fp32Guard fp32;
    BuiltModel m = build_model(resolve_model_text("paper-cnn"), "paper-cnn", 1);
    m.model->to(Device::CUDA);
    SGD opt(m.model->parameters(), 0.01, 0.9);
    std::vector<Batch> data = random_batches(2, 16, 3);
    auto step = [&](int i) {
        opt.zero_grad();
        Tensor loss = softmax_cross_entropy(m.model->forward(data[i % 2].x.to(Device::CUDA)), data[i % 2].labels);
        backward(loss);
        opt.step();
        return loss.item();
    };
    step(0);
    step(1);
    cuda::AllocatorStats before = cuda::allocator_stats();
    for (int i = 2; i < 12; i++) step(i);
    cuda::AllocatorStats after = cuda::allocator_stats();
    CHECK(after.device_mallocs == before.device_mallocs);
    CHECK(after.device_frees == before.device_frees);
    CHECK(after.cache_hits > before.cache_hits);
    MESSAGE("allocator: " << after.device_mallocs << " cudaMalloc calls in all, " << after.bytes_reserved / (1 << 20)
                          << " MiB reserved");
}

GPU_TEST_CASE("cuda: a captured CUDA graph step gives the eager step's losses") {
    // deterministic cuDNN algorithms: the fastest backward ones may add with atomics, and then eager and
    // replayed steps would differ in the last bits for no fault of the graph
    Fp32Guard fp32(/*deterministic_mode=*/true);
    const int B = 16;
    std::vector<Batch> data = random_batches(3, B, 12);
    // tiny-cnn has no dropout, so eager and replayed steps must agree exactly.
    BuiltModel ea = build_model(resolve_model_text("tiny-cnn"), "tiny-cnn", 1);
    BuiltModel gr = build_model(resolve_model_text("tiny-cnn"), "tiny-cnn", 1);
    ea.model->to(Device::CUDA);
    gr.model->to(Device::CUDA);
    SGD opt_e(ea.model->parameters(), 0.01, 0.9), opt_g(gr.model->parameters(), 0.01, 0.9);

    Tensor x_static({B, 1, 128, 128}, Device::CUDA), loss_static({1}, Device::CUDA);
    IndexBuffer y_static(B, Device::CUDA);
    auto graph_step = [&] {
        opt_g.zero_grad();
        Tensor loss = softmax_cross_entropy(gr.model->forward(x_static), y_static);
        backward(loss);
        loss_static.copy_from(loss);
    };
    std::vector<float> losses_e, losses_g;
    for (int step = 0; step < 8; step++) {
        const Batch& b = data[step % data.size()];
        opt_e.zero_grad();
        Tensor loss = softmax_cross_entropy(ea.model->forward(b.x.to(Device::CUDA)), b.labels);
        backward(loss);
        opt_e.step();
        losses_e.push_back(loss.item());
    }
    cuda::CudaGraphStep graph(graph_step);
    for (int step = 0; step < 8; step++) {
        const Batch& b = data[step % data.size()];
        x_static.copy_from(b.x);
        y_static.copy_from(b.labels);
        if (step == 0) {
            graph_step();  // eager warm-up with the same shapes
            graph.capture();
        } else {
            graph.replay();
        }
        opt_g.step();  // eager: its host-side scalars must not be frozen into the graph
        losses_g.push_back(loss_static.item());
    }
    for (size_t i = 0; i < losses_e.size(); i++)
        CHECK_MESSAGE(std::fabs(losses_g[i] - losses_e[i]) <= 1e-6 * std::max(1.0f, std::fabs(losses_e[i])),
                      "step " << i << ": eager " << losses_e[i] << " graph " << losses_g[i]);
    CHECK(graph.replays() == 7);
}

GPU_TEST_CASE("cuda: TF32 mode runs and stays within TF32's precision") {
    Fp32Guard guard;
    cuda::set_tf32(true);
    auto cpu = std::make_unique<Conv2d>(16, 32, 3, 1, 1), gpu = std::make_unique<Conv2d>(16, 32, 3, 1, 1);
    gpu->to(Device::CUDA);
    Tensor x = random_tensor({4, 16, 32, 32}, 90);
    Tensor y;
    {
        NoGrad ng;
        y = cpu->forward(x);
    }
    NoGrad ng;
    Tensor yg = gpu->forward(x.to(Device::CUDA));
    double e = rel_err(yg, y);
    CHECK(e <= 1e-2);
    MESSAGE("conv 16->32 with TF32: relative error " << e);
}

// The recurrent layers of the CRNN (framework/layers/gru.cu): every output, input and parameter gradient.
GPU_TEST_CASE("cuda: GRU (last and sequence output) and ToSequence equal the CPU") {
    Fp32Guard fp32;
    check_layer(maker<GRU>(12, 7), {3, 5, 12}, true, "gru output=last");
    check_layer(maker<GRU>(12, 7, GRU::Output::Sequence), {3, 5, 12}, true, "gru output=sequence");
    check_layer(maker<GRU>(40, 33), {2, 1, 40}, true, "gru, one step, H above a warp");
    check_layer(maker<ToSequence>(), {2, 3, 4, 5}, true, "to_sequence");
}

GPU_TEST_CASE("cuda: CRNN training steps, GPU vs CPU reference, loss and gradients within measured tolerances") {
    check_agreement(agreement::crnn_setup());
}
