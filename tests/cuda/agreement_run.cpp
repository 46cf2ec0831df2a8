// See agreement_run.h.
#include "tests/cuda/agreement_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/optim/sgd.h"
#include "framework/rng.h"
#include "framework/tape.h"

namespace melgrad::agreement {

namespace {

// A parameter's layer: its name up to the last dot ("12.weight" -> "12").
std::string layer_of(const std::string& name) { return name.substr(0, name.rfind('.')); }

// Every parameter gradient of b against a's, in the L2 norm: ||b - a|| / ||a|| over the tensor; but for a
// tensor whose ||a|| is under 0.1% of its layer's (all the layer's gradients together), over the layer's.
// The bias of a convolution followed by BatchNorm has a true gradient of exactly zero (BatchNorm subtracts
// the mean): its own norm is rounding noise, and its relative error would be about 1 on any two correct
// implementations. L2 rather
// than max: a max-pool window whose two largest inputs lie within rounding of each other sends its gradient
// to either, on two correct implementations; that moves a few entries, which the max-norm would report at
// full size. Sets d.grad and d.worst_grad; infinite when the lists differ or one side alone has a NaN.
void compare_gradients(const std::vector<NamedTensor>& pa, const std::vector<NamedTensor>& pb, StepDivergence& d) {
    if (pa.size() != pb.size()) {
        d.grad = INFINITY, d.worst_grad = "(parameter lists differ)";
        return;
    }
    std::map<std::string, double> layer_sq;       // sum of a's squares over the layer
    std::vector<double> diff_sq(pa.size(), 0.0), own_sq(pa.size(), 0.0);
    for (size_t i = 0; i < pa.size(); i++) {
        const std::vector<float> ga = pa[i].tensor->grad().to_vector(), gb = pb[i].tensor->grad().to_vector();
        if (ga.size() != gb.size()) diff_sq[i] = INFINITY;
        for (size_t j = 0; j < ga.size() && j < gb.size(); j++) {
            if (std::isnan(ga[j]) != std::isnan(gb[j])) diff_sq[i] = INFINITY;
            const double e = (double)gb[j] - ga[j];
            diff_sq[i] += e * e;
            own_sq[i] += (double)ga[j] * ga[j];
        }
        layer_sq[layer_of(pa[i].name)] += own_sq[i];
    }
    for (size_t i = 0; i < pa.size(); i++) {
        const double layer = layer_sq[layer_of(pa[i].name)];
        const double sq = own_sq[i] >= 1e-6 * layer ? own_sq[i] : layer;  // 1e-6 = (0.1%)^2
        const double e = std::sqrt(sq > 0 ? diff_sq[i] / sq : diff_sq[i]);
        if (e >= d.grad) d.grad = e, d.worst_grad = pa[i].name;
    }
}

// Side b's parameters and buffers (BatchNorm's running statistics) := side a's.
void copy_state(Module& from, Module& to) {
    const auto sa = from.state(), sb = to.state();
    for (size_t i = 0; i < sa.size() && i < sb.size(); i++) sb[i].tensor->copy_from(*sa[i].tensor);
}

// One side of the lockstep run: its model, its optimizer, and where its tensors live.
struct Trainer {
    Side side;
    BuiltModel built;
    std::unique_ptr<SGD> opt;

    Trainer(const Setup& s, Side sd) : side(sd) {
        built = build_model(resolve_model_text(s.model), s.model, 1);  // the same weights on both sides
        built.model->to(side.device);
        built.model->train();
        opt = std::make_unique<SGD>(built.model->parameters(), s.lr);
    }
    // Forward and backward of one batch; the gradients stay in the parameters until update().
    // `plant` (side b only) scales the input or one parameter's gradient: a planted bug (Setup).
    float loss_and_gradients(const Batch& b, int step, const Setup* plant) {
        set_cpu_path(side.path);  // CPU tensors only; the GPU side ignores it
        built.model->set_random_stream(1000 + step);  // the same dropout masks on both sides
        opt->zero_grad();
        Tensor x = b.x.to(side.device);
        if (plant && plant->planted_param == "input") x = first_image_scaled(x, plant->planted_scale);
        Tensor loss = softmax_cross_entropy(built.model->forward(x), b.labels);
        backward(loss);
        for (const NamedTensor& p : built.model->parameters())
            if (plant && p.name == plant->planted_param) p.tensor->grad().copy_from(scaled(p.tensor->grad(), plant->planted_scale));
        return loss.item();
    }
    void update() {
        set_cpu_path(side.path);
        opt->step();
    }
    static Tensor first_image_scaled(const Tensor& t, float scale) {
        Tensor h = t.to(Device::CPU).clone();
        for (size_t i = 0; i < h.numel() / (size_t)h.shape()[0]; i++) h.at(i) *= scale;
        return h.to(t.device());
    }
    static Tensor scaled(const Tensor& t, float scale) {
        Tensor h = t.to(Device::CPU).clone();
        for (size_t i = 0; i < h.numel(); i++) h.at(i) *= scale;
        return h.to(t.device());
    }
};

}  // namespace

std::vector<Batch> learnable_batches(int count, int batch, uint64_t seed) {
    std::vector<Batch> out;
    Rng rng(seed);
    for (int i = 0; i < count; i++) {
        Batch b{Tensor({batch, 1, 128, 128}), std::vector<int>(batch)};
        for (int n = 0; n < batch; n++) {
            const int c = (int)rng.below(10);
            b.labels[n] = c;
            for (int h = 0; h < 128; h++)
                for (int w = 0; w < 128; w++) {
                    const bool band = h >= 12 * c + 4 && h < 12 * c + 12;
                    b.x.at(((size_t)n * 128 + h) * 128 + w) = (band ? 0.6f : 0.0f) + rng.uniform(0.0f, 0.4f);
                }
        }
        out.push_back(std::move(b));
    }
    return out;
}

std::vector<StepDivergence> lockstep_divergence(const Setup& setup, Side a, Side b) {
    const CpuPath saved = cpu_path();
    Trainer ta(setup, a), tb(setup, b);
    const std::vector<Batch> data = learnable_batches(4, setup.batch, setup.data_seed);
    std::vector<StepDivergence> curve;
    for (int step = 0; step < setup.steps; step++) {
        const Batch& batch = data[step % data.size()];
        StepDivergence d;
        d.loss_a = ta.loss_and_gradients(batch, step, nullptr);
        d.loss_b = tb.loss_and_gradients(batch, step, &setup);
        d.loss = std::fabs((double)d.loss_b - d.loss_a) / std::max(1.0, (double)std::fabs(d.loss_a));
        if (std::isnan(d.loss)) d.loss = INFINITY;
        compare_gradients(ta.built.model->parameters(), tb.built.model->parameters(), d);
        curve.push_back(d);
        ta.update();
        tb.update();
        copy_state(*ta.built.model, *tb.built.model);  // the next step starts from a's weights on both sides
    }
    set_cpu_path(saved);
    return curve;
}

StepDivergence worst_of(const std::vector<StepDivergence>& curve, size_t steps) {
    StepDivergence w;
    for (size_t i = 0; i < steps && i < curve.size(); i++) {
        w.loss = std::max(w.loss, curve[i].loss);
        if (curve[i].grad >= w.grad) w.grad = curve[i].grad, w.worst_grad = curve[i].worst_grad;
    }
    return w;
}

std::string format_curve(const std::vector<StepDivergence>& curve) {
    std::string out = "step     loss a     loss b  loss diff  grad diff (worst parameter)\n";
    char line[160];
    for (size_t i = 0; i < curve.size(); i++) {
        const StepDivergence& d = curve[i];
        std::snprintf(line, sizeof line, "%4zu %10.6f %10.6f %10.2e %10.2e (%s)\n", i, d.loss_a, d.loss_b, d.loss,
                      d.grad, d.worst_grad.c_str());
        out += line;
    }
    return out;
}

}  // namespace melgrad::agreement
