// Optimizers and schedules against PyTorch: tests/fixtures/optim_fixture.ckpt holds torch.optim's parameter
// trajectories and lr sequences (written by tests/fixtures/make_optim_fixture.py); these tests replay the same
// gradients through melgrad's SGD/Adam/AdamW and schedules and compare every step. No Python at run time.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <type_traits>
#include <unistd.h>

#include "framework/checkpoint.h"
#include "framework/optim/adam.h"
#include "framework/optim/schedule.h"
#include "framework/optim/sgd.h"

using namespace melgrad;

namespace {

const char* kFixture = "tests/fixtures/optim_fixture.ckpt";

const Checkpoint& fixture() {
    static Checkpoint ck = load_checkpoint(kFixture);
    return ck;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);)
        if (!item.empty()) out.push_back(item);
    return out;
}

// "lr=0.05 momentum=0.9" -> {lr: 0.05, momentum: 0.9} (strings kept as text for mode names).
std::map<std::string, std::string> parse_hparams(const std::string& text) {
    std::map<std::string, std::string> out;
    for (const std::string& kv : split(text, ' ')) {
        size_t eq = kv.find('=');
        std::string v = kv.substr(eq + 1);
        if (v.size() >= 2 && v.front() == '\'') v = v.substr(1, v.size() - 2);
        out[kv.substr(0, eq)] = v;
    }
    return out;
}

double num(const std::map<std::string, std::string>& h, const std::string& key, double fallback) {
    auto it = h.find(key);
    return it == h.end() ? fallback : std::stod(it->second);
}

std::unique_ptr<Optimizer> make_optimizer(const std::string& kind, const std::map<std::string, std::string>& h,
                                          std::vector<NamedTensor> params) {
    if (kind == "SGD")
        return std::make_unique<SGD>(params, num(h, "lr", 0), num(h, "momentum", 0), num(h, "dampening", 0),
                                     num(h, "weight_decay", 0), num(h, "nesterov", 0) != 0);
    if (kind == "Adam")
        return std::make_unique<Adam>(params, num(h, "lr", 1e-3), num(h, "beta1", 0.9), num(h, "beta2", 0.999),
                                      num(h, "eps", 1e-8), num(h, "weight_decay", 0));
    if (kind == "AdamW")
        return std::make_unique<AdamW>(params, num(h, "lr", 1e-3), num(h, "beta1", 0.9), num(h, "beta2", 0.999),
                                       num(h, "eps", 1e-8), num(h, "weight_decay", 1e-2));
    throw std::runtime_error("unknown optimizer " + kind);
}

// Row t of a (T, ...) fixture tensor.
std::vector<float> row(const Tensor& all, int t) {
    size_t n = all.numel() / (size_t)all.dim(0);
    std::vector<float> v = all.to_vector();
    return std::vector<float>(v.begin() + t * n, v.begin() + (t + 1) * n);
}

// Relative error, with values below `floor` compared absolutely (at `floor` scale).
double max_rel_err(const std::vector<float>& got, const std::vector<float>& want, double floor = 1e-3) {
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i)
        worst = std::max(worst, std::fabs((double)got[i] - want[i]) / std::max(std::fabs((double)want[i]), floor));
    return worst;
}

// Error of a trajectory element relative to the largest magnitude that element has had so far (`peak`,
// updated here). Why: a parameter that went through 1000 and came back to 1 carries rounding errors of
// float32 at 1000 (~6e-5), whoever computes it; PyTorch's kernels fuse a*b+c into one FMA where melgrad
// rounds twice, so the two sides differ by such roundings, not by a different rule.
double max_trajectory_err(const std::vector<float>& got, const std::vector<float>& want, std::vector<double>& peak) {
    double worst = 0;
    peak.resize(want.size(), 1e-3);
    for (size_t i = 0; i < got.size(); ++i) {
        peak[i] = std::max(peak[i], std::fabs((double)want[i]));
        worst = std::max(worst, std::fabs((double)got[i] - want[i]) / peak[i]);
    }
    return worst;
}

constexpr double kParamTolerance = 1e-6;

}  // namespace

TEST_CASE("optim: SGD, Adam, AdamW follow torch.optim step by step (fixture from PyTorch)") {
    const Checkpoint& ck = fixture();
    const int T = std::stoi(ck.meta("steps"));
    const std::vector<std::string> cases = split(ck.meta("cases"), ',');
    REQUIRE(cases.size() == 8);
    for (const std::string& name : cases) {
        CAPTURE(name);
        Tensor w = ck.tensor("init.w").clone(), b = ck.tensor("init.b").clone();
        std::vector<NamedTensor> params = {{"w", &w}, {"b", &b}};
        auto opt = make_optimizer(ck.meta("case." + name + ".optimizer"),
                                  parse_hparams(ck.meta("case." + name + ".hparams")), params);
        double worst = 0, worst_rel = 0;
        std::vector<double> peak_w, peak_b;
        for (int t = 0; t < T; ++t) {
            w.grad().copy_from(Tensor::from_vector(w.shape(), row(ck.tensor("grads.w"), t)));
            b.grad().copy_from(Tensor::from_vector(b.shape(), row(ck.tensor("grads.b"), t)));
            opt->step();
            worst = std::max(worst, max_trajectory_err(w.to_vector(), row(ck.tensor(name + ".w"), t), peak_w));
            worst = std::max(worst, max_trajectory_err(b.to_vector(), row(ck.tensor(name + ".b"), t), peak_b));
            worst_rel = std::max(worst_rel, max_rel_err(w.to_vector(), row(ck.tensor(name + ".w"), t)));
            worst_rel = std::max(worst_rel, max_rel_err(b.to_vector(), row(ck.tensor(name + ".b"), t)));
        }
        MESSAGE(name << ": " << T << " steps, max error relative to each parameter's peak magnitude " << worst
                     << ", plain relative error (floor 1e-3) " << worst_rel);
        CHECK(worst <= kParamTolerance);
        CHECK(opt->step_count() == T);
        // The state tensors after the last step, named as PyTorch's state keys.
        int compared = 0;
        for (const NamedTensor& s : opt->state()) {
            const std::string key = name + ".state." + s.name;
            REQUIRE_MESSAGE(ck.has(key), "fixture lacks " << key);
            double err = max_rel_err(s.tensor->to_vector(), ck.tensor(key).to_vector(), 1e-6);
            CAPTURE(s.name);
            CHECK(err <= 1e-5);
            ++compared;
        }
        for (const std::string& n : ck.names)
            if (n.rfind(name + ".state.", 0) == 0) --compared;
        CHECK(compared == 0);  // melgrad has exactly PyTorch's state tensors
    }
}

TEST_CASE("optim: a parameter without a gradient is skipped and keeps its own step count") {
    Tensor w = Tensor::from_vector({2}, {1, 2}), b = Tensor::from_vector({1}, {3});
    std::vector<NamedTensor> params = {{"w", &w}, {"b", &b}};
    Adam opt(params, 0.1);
    w.grad().fill(1.0f);   // b never gets a gradient
    opt.step();
    CHECK(b.at(0) == 3.0f);
    // First Adam step moves every coordinate by lr (m/sqrt(v) = sign(g) after bias correction).
    CHECK(w.at(0) == doctest::Approx(0.9).epsilon(1e-6));
    Metadata meta;
    opt.save_metadata(meta);
    CHECK(meta.at("optimizer.param_steps") == "1,0");
    CHECK(meta.at("optimizer.type") == "Adam");
}

// The CUDA kernels (framework/optim/sgd.cu, adam.cu) against these CPU kernels: tests/cuda/test_cuda_ops.cpp.
TEST_CASE("cuda: optim: a CUDA parameter is updated by the CUDA kernel" *
          doctest::skip(!cuda_available()) * doctest::description("no GPU: CUDA optimizer kernels not run")) {
    Tensor w = Tensor::zeros({4}, Device::CUDA);
    w.grad().fill(1.0f);
    Adam opt({{"w", &w}}, 0.1);
    opt.step();
    CHECK(w.to_vector()[0] == doctest::Approx(-0.1).epsilon(1e-6));  // first step moves by lr against sign(g)
}

TEST_CASE("optim: bad hyperparameters are clear errors") {
    Tensor w = Tensor::zeros({2});
    std::vector<NamedTensor> params = {{"w", &w}};
    CHECK_THROWS_WITH_AS(SGD(params, 0.1, 0.0, 0.0, 0.0, true), doctest::Contains("Nesterov"), std::invalid_argument);
    CHECK_THROWS_AS(SGD(params, -1.0), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Adam(params, 1e-3, 1.0), doctest::Contains("beta1"), std::invalid_argument);
    CHECK_THROWS_AS(StepLR(*std::make_unique<SGD>(params, 0.1), 0), std::invalid_argument);
    SGD sgd(params, 0.1);
    CHECK_THROWS_WITH_AS(ReduceLROnPlateau(sgd, "down"), doctest::Contains("mode"), std::invalid_argument);
    Adam adam(params);
    Metadata meta;
    sgd.save_metadata(meta);
    CHECK_THROWS_WITH_AS(adam.load_metadata(meta), doctest::Contains("optimizer SGD"), std::runtime_error);
}

TEST_CASE("schedules: StepLR, CosineAnnealingLR, ReduceLROnPlateau give PyTorch's lr sequences") {
    const Checkpoint& ck = fixture();
    const int epochs = std::stoi(ck.meta("epochs"));
    for (const std::string& name : split(ck.meta("schedules"), ',')) {
        CAPTURE(name);
        auto h = parse_hparams(ck.meta("schedule." + name + ".hparams"));
        const std::string kind = ck.meta("schedule." + name + ".type");
        const std::vector<std::string> want = split(ck.meta("schedule." + name + ".lrs"), ' ');
        REQUIRE(want.size() == (size_t)epochs + 1);
        Tensor p = Tensor::zeros({1});
        SGD opt({{"p", &p}}, num(h, "lr", 0));
        std::unique_ptr<EpochScheduler> epoch_sched;
        std::unique_ptr<ReduceLROnPlateau> plateau;
        std::vector<std::string> metrics;
        if (kind == "StepLR") {
            epoch_sched = std::make_unique<StepLR>(opt, (int64_t)num(h, "step_size", 0), num(h, "gamma", 0.1));
        } else if (kind == "CosineAnnealingLR") {
            epoch_sched = std::make_unique<CosineAnnealingLR>(opt, (int64_t)num(h, "T_max", 0), num(h, "eta_min", 0));
        } else {
            REQUIRE(kind == "ReduceLROnPlateau");
            plateau = std::make_unique<ReduceLROnPlateau>(
                opt, h.at("mode"), num(h, "factor", 0.1), (int64_t)num(h, "patience", 10), num(h, "threshold", 1e-4),
                h.count("threshold_mode") ? h.at("threshold_mode") : "rel", (int64_t)num(h, "cooldown", 0),
                num(h, "min_lr", 0));
            metrics = split(ck.meta("schedule." + name + ".metrics"), ' ');
        }
        double worst = 0;
        int changes = 0;
        for (int e = 0; e <= epochs; ++e) {
            if (e > 0) {
                if (epoch_sched) epoch_sched->step();
                else plateau->step(std::stod(metrics[e - 1]));
            }
            const double expected = std::stod(want[e]);
            worst = std::max(worst, std::fabs(opt.lr() - expected) / expected);
            if (e > 0 && want[e] != want[e - 1]) ++changes;
        }
        MESSAGE(name << ": max relative lr error over " << epochs << " epochs: " << worst << " (" << changes
                     << " lr changes)");
        CHECK(worst <= 1e-15);   // the same double arithmetic as PyTorch: equal to the last bit or one ulp
        CHECK(changes >= 2);     // the sequence really moves (a flat sequence would test nothing)
    }
}

// ---- exact resume through a checkpoint -----------------------------------------------------------------

namespace {

std::string temp_path(const char* tag) {
    return std::string("/tmp/melgrad_test_optim_") + tag + "_" + std::to_string(::getpid()) + ".ckpt";
}

// Deterministic pseudo-gradients for step t.
void set_grads(Tensor& w, Tensor& b, int t) {
    for (size_t i = 0; i < w.numel(); ++i) w.grad().at(i) = std::sin(0.7f * (float)(t * 13 + i)) + 0.1f * w.at(i);
    for (size_t i = 0; i < b.numel(); ++i) b.grad().at(i) = std::cos(0.3f * (float)(t * 7 + i)) - 0.2f * b.at(i);
}

struct Run {
    Tensor w = Tensor::from_vector({2, 3}, {0.5f, -1.f, 2.f, 0.1f, 0.f, -0.3f});
    Tensor b = Tensor::from_vector({3}, {0.01f, 0.02f, -0.03f});
    std::vector<NamedTensor> params() { return {{"w", &w}, {"b", &b}}; }
};

template <class MakeOpt, class MakeSched>
void check_exact_resume(MakeOpt make_opt, MakeSched make_sched, const char* tag) {
    const int total = 16, split_at = 9;
    auto metric = [](int e) { return e < 5 ? 1.0 - 0.1 * e : 0.6; };   // improves, then plateaus
    // Uninterrupted run.
    Run full;
    auto opt = make_opt(full.params());
    auto sched = make_sched(*opt);
    for (int t = 0; t < total; ++t) {
        set_grads(full.w, full.b, t);
        opt->step();
        sched(metric(t));
    }
    // The same run, stopped at split_at, saved, and resumed in fresh objects.
    const std::string path = temp_path(tag);
    {
        Run first;
        auto o = make_opt(first.params());
        auto s = make_sched(*o);
        for (int t = 0; t < split_at; ++t) {
            set_grads(first.w, first.b, t);
            o->step();
            s(metric(t));
        }
        Metadata meta{{"epoch", std::to_string(split_at)}};
        o->save_metadata(meta);
        s.save(meta);
        std::vector<NamedTensor> all = with_section("model", first.params());
        for (const NamedTensor& t : with_section("optimizer", o->state())) all.push_back(t);
        save_checkpoint(path, meta, all);
    }
    Run resumed;
    auto o = make_opt(resumed.params());
    auto s = make_sched(*o);
    Checkpoint ck = load_checkpoint(path);
    std::vector<NamedTensor> model = resumed.params(), state = o->state();
    restore_into(ck, model, "model");
    restore_into(ck, state, "optimizer");
    o->load_metadata(ck.metadata);
    s.load(ck.metadata);
    for (int t = std::stoi(ck.meta("epoch")); t < total; ++t) {
        set_grads(resumed.w, resumed.b, t);
        o->step();
        s(metric(t));
    }
    std::remove(path.c_str());
    CHECK(resumed.w.to_vector() == full.w.to_vector());   // bit for bit
    CHECK(resumed.b.to_vector() == full.b.to_vector());
    CHECK(o->lr() == opt->lr());
    CHECK(o->step_count() == total);
}

// Wraps a schedule so the resume test can step and save it whatever its kind.
template <class S>
struct SchedHandle {
    std::shared_ptr<S> s;
    void operator()(double metric) {
        if constexpr (std::is_same<S, ReduceLROnPlateau>::value) s->step(metric);
        else s->step();
    }
    void save(Metadata& m) const { s->save_metadata(m); }
    void load(const Metadata& m) { s->load_metadata(m); }
};

}  // namespace

TEST_CASE("resume: SGD-Nesterov + StepLR, Adam + cosine, AdamW + plateau continue bit for bit from a checkpoint") {
    check_exact_resume(
        [](std::vector<NamedTensor> p) { return std::make_unique<SGD>(p, 0.05, 0.9, 0.0, 1e-3, true); },
        [](Optimizer& o) { return SchedHandle<StepLR>{std::make_shared<StepLR>(o, 4, 0.5)}; }, "sgd");
    check_exact_resume([](std::vector<NamedTensor> p) { return std::make_unique<Adam>(p, 0.01); },
                       [](Optimizer& o) {
                           return SchedHandle<CosineAnnealingLR>{std::make_shared<CosineAnnealingLR>(o, 6, 1e-4)};
                       },
                       "adam");
    check_exact_resume(
        [](std::vector<NamedTensor> p) { return std::make_unique<AdamW>(p, 0.01); },
        [](Optimizer& o) {
            return SchedHandle<ReduceLROnPlateau>{std::make_shared<ReduceLROnPlateau>(o, "min", 0.5, 2, 1e-4, "rel", 1)};
        },
        "adamw");
}
