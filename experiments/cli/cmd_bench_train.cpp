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

// Per-layer timings, summed over the timed steps.
struct Profile {
    std::vector<std::string> names;
    std::vector<double> forward_ms, backward_ms;
    double loss_ms = 0, optimizer_ms = 0;
};

// One training step. With a profile, the forward pass runs layer by layer and the backward pass walks the
// tape node by node (each layer records exactly one node, the loss the last), timing each; otherwise it
// is the plain model.forward / backward(loss).
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
        auto t0 = Clock::now();
        h = model[i].forward(h);
        prof->forward_ms[i] += ms_since(t0);
    }
    auto t0 = Clock::now();
    Tensor loss = softmax_cross_entropy(h, labels);
    prof->loss_ms += ms_since(t0);
    Tape& tape = current_tape();
    if (tape.size() != model.size() + 1) throw std::logic_error("profile: expected one tape node per layer");
    loss.grad().fill(1.0f);  // d loss / d loss, as Tape::backward seeds it
    for (size_t k = tape.size(); k-- > 0;) {
        auto t1 = Clock::now();
        tape.nodes()[k]->backward();
        (k < model.size() ? prof->backward_ms[k] : prof->loss_ms) += ms_since(t1);
    }
    tape.clear();
    t0 = Clock::now();
    opt.step();
    prof->optimizer_ms += ms_since(t0);
    return loss.item();
}

int cmd_bench_train(const std::vector<std::string>& args) {
    Args a(args, "melgrad bench-train");
    std::string model_name = a.option("--model", "paper-cnn");
    int batch = a.int_option("--batch", 32);
    int steps = a.int_option("--steps", 10);
    int warmup = a.int_option("--warmup", 2);
    int threads = a.int_option("--threads", 0);
    std::string optimizer = a.option("--optimizer", "adam");
    std::string path = a.option("--path", "fast");
    a.finish();
    if (batch <= 0 || steps <= 0 || warmup < 0) throw UsageError("--batch and --steps must be positive, --warmup >= 0");
    if (path != "fast" && path != "reference") throw UsageError("--path must be fast or reference");
    if (optimizer != "adam" && optimizer != "sgd") throw UsageError("--optimizer must be adam or sgd");
    set_num_threads(threads);
    set_cpu_path(path == "fast" ? CpuPath::Fast : CpuPath::Reference);
    const char* env = std::getenv("MELGRAD_PROFILE");
    const bool profile = env && std::string(env) != "0" && std::string(env) != "";

    BuiltModel built = build_model(resolve_model_text(model_name), model_name, 0);
    Sequential& model = *built.model;
    model.train();
    std::unique_ptr<Optimizer> opt;
    if (optimizer == "adam") opt = std::make_unique<Adam>(model.parameters(), 1e-3);
    else opt = std::make_unique<SGD>(model.parameters(), 0.01, 0.9);

    Shape in = built.input_shape;
    in.insert(in.begin(), batch);
    Tensor x(in);
    Rng rng(1);
    for (size_t i = 0; i < x.numel(); i++) x.at(i) = rng.normal();
    std::vector<int> labels(batch);
    for (auto& l : labels) l = (int)rng.below((uint64_t)built.output_shape[0]);

    std::fprintf(stderr, "bench-train: %s, batch %d, %s, %s path, %d thread(s), %d warm-up + %d timed steps\n",
                 model_name.c_str(), batch, opt->describe().c_str(), path.c_str(), num_threads(), warmup, steps);
    Profile prof;
    prof.forward_ms.assign(model.size(), 0);
    prof.backward_ms.assign(model.size(), 0);
    for (int s = 0; s < warmup; s++) {
        model.set_random_stream(s);
        train_step(model, *opt, x, labels, nullptr);
    }
    std::vector<double> step_ms;
    float loss = 0;
    auto t_all = Clock::now();
    std::clock_t cpu0 = std::clock();  // process CPU time: less sensitive than wall time to a busy machine
    for (int s = 0; s < steps; s++) {
        model.set_random_stream(warmup + s);
        auto t0 = Clock::now();
        loss = train_step(model, *opt, x, labels, profile ? &prof : nullptr);
        step_ms.push_back(ms_since(t0));
    }
    double total_ms = ms_since(t_all);
    double cpu_ms = 1000.0 * (double)(std::clock() - cpu0) / CLOCKS_PER_SEC;
    std::vector<double> sorted = step_ms;
    std::sort(sorted.begin(), sorted.end());
    double median = sorted[sorted.size() / 2];

    if (profile) {
        std::printf("%-4s %-44s %12s %12s\n", "#", "layer", "forward ms", "backward ms");
        double f = 0, b = 0;
        for (size_t i = 0; i < model.size(); i++) {
            std::printf("%-4zu %-44s %12.2f %12.2f\n", i, model[i].describe().c_str(), prof.forward_ms[i] / steps,
                        prof.backward_ms[i] / steps);
            f += prof.forward_ms[i] / steps;
            b += prof.backward_ms[i] / steps;
        }
        std::printf("%-4s %-44s %12.2f %12.2f\n", "", "total layers", f, b);
        std::printf("%-4s %-44s %12.2f\n", "", "loss (forward + backward)", prof.loss_ms / steps);
        std::printf("%-4s %-44s %12.2f\n", "", "optimizer step", prof.optimizer_ms / steps);
    }
    std::printf("optimizer: %s\n", opt->type().c_str());
    std::printf("threads: %d\n", num_threads());
    std::printf("step ms (median of %d): %.1f\n", steps, median);
    std::printf("cpu ms per step (all threads): %.1f\n", cpu_ms / steps);
    std::printf("last loss: %.4f\n", loss);
    std::printf("samples/s: %.1f\n", (double)batch * steps / (total_ms / 1000.0));
    return 0;
}

MELGRAD_COMMAND("bench-train", "training speed (samples/s) on random data; MELGRAD_PROFILE=1 for per-layer ms",
                "usage: melgrad bench-train [--model paper-cnn|tiny-cnn|FILE] [--batch 32] [--steps 10] [--warmup 2]\n"
                "                           [--threads 0] [--optimizer adam|sgd] [--path fast|reference]\n\n"
                "Trains the model on one random batch (Adam lr 1e-3 by default, or SGD lr 0.01 momentum 0.9) and\n"
                "prints `samples/s: X` over the timed steps (after the warm-up steps) and the median step time.\n"
                "--threads 0 uses all cores. With MELGRAD_PROFILE=1 in the environment it also prints each layer's\n"
                "average forward and backward milliseconds. bench/run_train.sh compares it with PyTorch.",
                cmd_bench_train);

}  // namespace
}  // namespace melgrad::cli
