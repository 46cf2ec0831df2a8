// melgrad bench-train: training speed on random data (no dataset needed), the figure bench/run_train.sh
// compares with PyTorch. MELGRAD_PROFILE=1 adds a table of per-layer forward/backward milliseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "experiments/cli/args.h"
#include "experiments/cli/bench_flops.h"
#include "experiments/cli/command.h"
#include "framework/backend.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/optim/adam.h"
#include "framework/optim/sgd.h"
#include "framework/rng.h"
#include "framework/tape.h"

namespace melgrad::cli {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
// CPU time of the whole process (all threads), in ms: on a shared machine it measures the work done,
// while wall time also counts the time other programs held the cores.
double cpu_ms() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

// Times a piece of work in wall and CPU ms, adding to the two counters.
struct Timer {
    double& wall;
    double& cpu;
    Clock::time_point t0 = Clock::now();
    double c0 = cpu_ms();
    ~Timer() { wall += ms_since(t0); cpu += cpu_ms() - c0; }
};

// Per-layer timings (wall and CPU ms), summed over the timed steps.
struct Profile {
    std::vector<double> forward_ms, backward_ms, forward_cpu, backward_cpu;
    double loss_ms = 0, optimizer_ms = 0, loss_cpu = 0, optimizer_cpu = 0;
};

// Times each node's backward pass: node k of the tape is layer k (each layer records exactly one node),
// the last node the loss.
struct BackwardTimer : Tape::Observer {
    Profile& prof;
    size_t layers;
    Clock::time_point t0;
    double c0 = 0;
    BackwardTimer(Profile& p, size_t n) : prof(p), layers(n) {}
    void before_node(size_t, const TapeNode&) override {
        t0 = Clock::now();
        c0 = cpu_ms();
    }
    void after_node(size_t k, const TapeNode&) override {
        const bool layer = k < layers;
        (layer ? prof.backward_ms[k] : prof.loss_ms) += ms_since(t0);
        (layer ? prof.backward_cpu[k] : prof.loss_cpu) += cpu_ms() - c0;
    }
};

// One training step. With a profile, the forward pass runs layer by layer, timing each, and the tape's
// backward pass reports each node to a BackwardTimer; otherwise it is the plain model.forward / backward.
float train_step(Sequential& model, Optimizer& opt, const Tensor& x, const std::vector<int>& labels,
                 Profile* prof) {
    opt.zero_grad();
    current_tape().clear();
    if (!prof) {
        Tensor loss = softmax_cross_entropy(model.forward(x), labels);
        backward(loss);
        opt.step();
        return loss.item();
    }
    Tensor h = x;
    for (size_t i = 0; i < model.size(); i++) {
        Timer t{prof->forward_ms[i], prof->forward_cpu[i]};
        h = model[i].forward(h);
    }
    Tensor loss;
    {
        Timer t{prof->loss_ms, prof->loss_cpu};
        loss = softmax_cross_entropy(h, labels);
    }
    Tape& tape = current_tape();
    if (tape.size() != model.size() + 1) throw std::logic_error("profile: expected one tape node per layer");
    BackwardTimer timer(*prof, model.size());
    tape.backward(loss, &timer);
    {
        Timer t{prof->optimizer_ms, prof->optimizer_cpu};
        opt.step();
    }
    return loss.item();
}

struct BenchOptions {
    std::string model_name, optimizer, path;
    int batch, steps, warmup, threads, peak_size;
    bool profile;  // MELGRAD_PROFILE set (and not 0)
};

BenchOptions parse_options(const std::vector<std::string>& args) {
    Args a(args, "melgrad bench-train");
    BenchOptions o;
    o.model_name = a.option("--model", "paper-cnn");
    o.batch = a.int_option("--batch", 32);
    o.steps = a.int_option("--steps", 10);
    o.warmup = a.int_option("--warmup", 2);
    o.threads = a.int_option("--threads", 0, 0, 1 << 16);
    o.optimizer = a.option("--optimizer", "adam");
    o.path = a.option("--path", "fast");
    o.peak_size = a.int_option("--peak-size", 2048, 0, 16384);
    a.finish_no_positional();
    if (o.batch <= 0 || o.steps <= 0 || o.warmup < 0)
        throw UsageError("--batch and --steps must be positive, --warmup >= 0");
    if (o.path != "fast" && o.path != "reference") throw UsageError("--path must be fast or reference");
    if (o.optimizer != "adam" && o.optimizer != "sgd") throw UsageError("--optimizer must be adam or sgd");
    const char* env = std::getenv("MELGRAD_PROFILE");
    o.profile = env && std::string(env) != "0" && std::string(env) != "";
    return o;
}

// One random batch of the model's input shape, with random labels.
void random_batch(const BuiltModel& built, int batch, Tensor& x, std::vector<int>& labels) {
    Shape in = built.input_shape;
    in.insert(in.begin(), batch);
    x = Tensor(in);
    Rng rng(1);
    for (size_t i = 0; i < x.numel(); i++) x.at(i) = rng.normal();
    labels.assign(batch, 0);
    for (auto& l : labels) l = (int)rng.below((uint64_t)built.output_shape[0]);
}

void print_profile(Sequential& model, const Profile& prof, int steps) {
    std::printf("%-4s %-44s %10s %10s %10s %10s\n", "#", "layer (ms per step)", "fwd wall", "bwd wall", "fwd cpu",
                "bwd cpu");
    double f = 0, b = 0, fc = 0, bc = 0;
    for (size_t i = 0; i < model.size(); i++) {
        std::printf("%-4zu %-44s %10.2f %10.2f %10.2f %10.2f\n", i, model[i].describe().c_str(),
                    prof.forward_ms[i] / steps, prof.backward_ms[i] / steps, prof.forward_cpu[i] / steps,
                    prof.backward_cpu[i] / steps);
        f += prof.forward_ms[i] / steps;
        b += prof.backward_ms[i] / steps;
        fc += prof.forward_cpu[i] / steps;
        bc += prof.backward_cpu[i] / steps;
    }
    std::printf("%-4s %-44s %10.2f %10.2f %10.2f %10.2f\n", "", "all layers", f, b, fc, bc);
    std::printf("%-4s %-44s %10.2f %10s %10.2f\n", "", "loss (forward + backward)", prof.loss_ms / steps, "",
                prof.loss_cpu / steps);
    std::printf("%-4s %-44s %10.2f %10s %10.2f\n", "", "optimizer step", prof.optimizer_ms / steps, "",
                prof.optimizer_cpu / steps);
}

// Achieved GFLOP/s, and its fraction of OpenBLAS's SGEMM speed on the same threads, measured now.
void print_utilisation(const TrainingFlops& flops, double samples_per_s, int peak_size) {
    const double achieved = flops.total() * samples_per_s / 1e9;
    std::printf("GFLOP per sample (conv + linear, forward %.3f + backward %.3f): %.3f%s%s\n", flops.forward / 1e9,
                flops.backward / 1e9, flops.total() / 1e9, flops.not_counted.empty() ? "" : "; not counted: ",
                flops.not_counted.c_str());
    std::printf("achieved GFLOP/s: %.1f\n", achieved);
    if (peak_size == 0) return;
    const double peak = measure_sgemm_gflops(peak_size, 3);
    std::printf("OpenBLAS SGEMM %d^3, %d thread(s), GFLOP/s: %.1f\n", peak_size, num_threads(), peak);
    std::printf("fraction of SGEMM peak: %.0f %%\n", 100 * achieved / peak);
    std::printf("memory bandwidth (y = ax + b over 2 x 256 MB, read + write), %d thread(s), GB/s: %.1f\n", num_threads(),
                measure_memory_gbps(256, 3));
}

int cmd_bench_train(const std::vector<std::string>& args) {
    const BenchOptions o = parse_options(args);
    set_num_threads(o.threads);
    set_cpu_path(o.path == "fast" ? CpuPath::Fast : CpuPath::Reference);
    BuiltModel built = build_model(resolve_model_text(o.model_name), o.model_name, 0);
    Sequential& model = *built.model;
    model.train();
    std::unique_ptr<Optimizer> opt;
    if (o.optimizer == "adam") opt = std::make_unique<Adam>(model.parameters(), 1e-3);
    else opt = std::make_unique<SGD>(model.parameters(), 0.01, 0.9);
    Tensor x;
    std::vector<int> labels;
    random_batch(built, o.batch, x, labels);

    std::fprintf(stderr, "bench-train: %s, batch %d, %s, %s path, %d thread(s), %d warm-up + %d timed steps\n",
                 o.model_name.c_str(), o.batch, opt->describe().c_str(), o.path.c_str(), num_threads(), o.warmup,
                 o.steps);
    Profile prof;
    for (auto* v : {&prof.forward_ms, &prof.backward_ms, &prof.forward_cpu, &prof.backward_cpu}) v->assign(model.size(), 0);
    for (int s = 0; s < o.warmup; s++) {
        model.set_random_stream(s);
        train_step(model, *opt, x, labels, nullptr);
    }
    std::vector<double> step_ms;
    float loss = 0;
    auto t_all = Clock::now();
    double cpu0 = cpu_ms();
    for (int s = 0; s < o.steps; s++) {
        model.set_random_stream(o.warmup + s);
        auto t0 = Clock::now();
        loss = train_step(model, *opt, x, labels, o.profile ? &prof : nullptr);
        step_ms.push_back(ms_since(t0));
    }
    double total_ms = ms_since(t_all);
    double cpu_total = cpu_ms() - cpu0;
    std::sort(step_ms.begin(), step_ms.end());

    if (o.profile) print_profile(model, prof, o.steps);
    std::printf("optimizer: %s\n", opt->type().c_str());
    std::printf("threads: %d\n", num_threads());
    std::printf("step ms (median of %d): %.1f\n", o.steps, step_ms[step_ms.size() / 2]);
    std::printf("cpu ms per step (all threads): %.1f\n", cpu_total / o.steps);
    std::printf("last loss: %.4f\n", loss);
    const double samples_per_s = (double)o.batch * o.steps / (total_ms / 1000.0);
    std::printf("samples/s: %.1f\n", samples_per_s);
    print_utilisation(training_flops_per_sample(model, built.input_shape), samples_per_s, o.peak_size);
    return 0;
}

MELGRAD_COMMAND("bench-train", "training speed (samples/s) on random data; MELGRAD_PROFILE=1 for per-layer ms",
                "usage: melgrad bench-train [--model paper-cnn|tiny-cnn|crnn|FILE] [--batch 32] [--steps 10] [--warmup 2]\n"
                "                           [--threads 0] [--optimizer adam|sgd] [--path fast|reference] [--peak-size 2048]\n\n"
                "Trains the model on one random batch (Adam lr 1e-3 by default, or SGD lr 0.01 momentum 0.9) and\n"
                "prints `samples/s: X` over the timed steps (after the warm-up steps) and the median step time.\n"
                "--threads 0 uses all cores. With MELGRAD_PROFILE=1 in the environment it also prints each layer's\n"
                "average forward and backward milliseconds; it then runs the layers one by one, without the fast\n"
                "path's fused conv blocks, so that step is slower. bench/run_train.sh compares it with PyTorch.\n"
                "It also prints the achieved GFLOP/s (the Conv2d and Linear layers' FLOPs, counted from their shapes)\n"
                "and their fraction of OpenBLAS's SGEMM speed on n x n x n (--peak-size n; 0 skips), measured\n"
                "after the training steps on the same threads, and then the memory bandwidth of one pass\n"
                "y = ax + b over 2 x 256 MB (the limit of the steps that wait on memory, not arithmetic).",
                cmd_bench_train);

}  // namespace
}  // namespace melgrad::cli
