// The recurrent layers and the crnn model: GRU forward against a plain double-precision reference, GRU backward
// (BPTT) and ToSequence against finite differences, GRU against PyTorch's nn.GRU (tests/fixtures/gru_parity.bin,
// written by tests/fixtures/make_gru_fixture.py), and the model text lines `to_sequence`, `gru`.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "framework/backend.h"
#include "framework/layers/gru.h"
#include "framework/layers/to_sequence.h"
#include "framework/model_text.h"
#include "framework/tape.h"
#include "tests/framework/gradcheck.h"
#include "tests/framework/parity_fixture.h"

using namespace melgrad;
using namespace melgrad::testing;

namespace {

// nn.GRU written out step by step in double, straight from the equations (no shared code with gru.cpp).
// Returns every h_t, (N, T, H).
std::vector<double> gru_reference(const GRU& g, const Tensor& x) {
    const int N = x.dim(0), T = x.dim(1), I = x.dim(2), H = g.hidden_size;
    auto Wi = [&](int row, int col) { return (double)g.weight_ih.at((size_t)row * I + col); };
    auto Wh = [&](int row, int col) { return (double)g.weight_hh.at((size_t)row * H + col); };
    auto bi = [&](int row) { return (double)g.bias_ih.at(row); };
    auto bh = [&](int row) { return (double)g.bias_hh.at(row); };
    auto sig = [](double a) { return 1.0 / (1.0 + std::exp(-a)); };
    std::vector<double> out((size_t)N * T * H);
    for (int n = 0; n < N; n++) {
        std::vector<double> h(H, 0.0), next(H);
        for (int t = 0; t < T; t++) {
            const float* xt = x.data() + ((size_t)n * T + t) * I;
            for (int j = 0; j < H; j++) {
                // gate k in {r=0, z=1, n=2} uses rows k*H + j
                double ix[3], hx[3];
                for (int k = 0; k < 3; k++) {
                    ix[k] = bi(k * H + j);
                    for (int i = 0; i < I; i++) ix[k] += Wi(k * H + j, i) * xt[i];
                    hx[k] = bh(k * H + j);
                    for (int i = 0; i < H; i++) hx[k] += Wh(k * H + j, i) * h[i];
                }
                double r = sig(ix[0] + hx[0]), z = sig(ix[1] + hx[1]);
                double cand = std::tanh(ix[2] + r * hx[2]);
                next[j] = (1 - z) * cand + z * h[j];
            }
            h = next;
            for (int j = 0; j < H; j++) out[((size_t)n * T + t) * H + j] = h[j];
        }
    }
    return out;
}

}  // namespace

TEST_CASE("GRU forward = a per-step double reference, both output modes, both CPU paths, several shapes") {
    struct Case { int N, T, I, H; };
    double worst_all = 0;
    for (CpuPath path : {CpuPath::Reference, CpuPath::Fast}) {
        PathGuard guard(path);
        for (Case c : {Case{1, 1, 1, 1}, Case{2, 5, 3, 4}, Case{3, 9, 7, 6}, Case{4, 3, 17, 13}}) {
            Rng rng(40 + c.N * 3 + c.T * 5 + c.I * 7 + c.H * 11);
            for (GRU::Output mode : {GRU::Output::Last, GRU::Output::Sequence}) {
                GRU gru(c.I, c.H, mode);
                gru.reset_parameters(rng);
                for (size_t i = 0; i < gru.bias_hh.numel(); i++) gru.bias_hh.at(i) += 0.3f;  // r's gh_n bias matters
                Tensor x({c.N, c.T, c.I});
                fill_normal(x, rng, 1.5f);
                Tensor y;
                {
                    NoGrad ng;
                    y = gru.forward(x);
                }
                std::vector<double> ref = gru_reference(gru, x);
                double worst = 0, mag = 0;
                if (mode == GRU::Output::Sequence) {
                    REQUIRE(y.shape() == Shape({c.N, c.T, c.H}));
                    for (size_t i = 0; i < ref.size(); i++) {
                        worst = std::max(worst, std::fabs(y.at(i) - ref[i]));
                        mag = std::max(mag, std::fabs(ref[i]));
                    }
                } else {
                    REQUIRE(y.shape() == Shape({c.N, c.H}));
                    for (int n = 0; n < c.N; n++)
                        for (int j = 0; j < c.H; j++) {
                            double r = ref[((size_t)n * c.T + c.T - 1) * c.H + j];
                            worst = std::max(worst, std::fabs(y.at((size_t)n * c.H + j) - r));
                            mag = std::max(mag, std::fabs(r));
                        }
                }
                INFO(std::string(cpu_path_name(path)) << " " << gru.describe() << " on " << shape_str(x.shape()) << ": max error "
                                         << worst << ", max |h| " << mag);
                CHECK(mag > 0.05);      // the states are not trivially small
                CHECK(worst <= 2e-6);   // float32 against double
                worst_all = std::max(worst_all, worst);
            }
        }
    }
    MESSAGE("GRU forward, largest absolute difference from the double reference: " << worst_all);
}

TEST_CASE("gradcheck: GRU (BPTT) dx and all four parameter gradients, output=last and output=sequence, both paths") {
    struct Case { int N, T, I, H; };
    for (CpuPath path : {CpuPath::Reference, CpuPath::Fast}) {
        PathGuard guard(path);
        for (Case c : {Case{2, 4, 3, 5}, Case{1, 1, 2, 3}, Case{3, 6, 4, 2}}) {
            for (GRU::Output mode : {GRU::Output::Last, GRU::Output::Sequence}) {
                Rng rng(60 + c.N + c.T * 3 + (mode == GRU::Output::Last ? 0 : 100));
                GRU gru(c.I, c.H, mode);
                gru.reset_parameters(rng);
                Tensor x({c.N, c.T, c.I});
                fill_normal(x, rng);
                GradCheckReport rep = check_gradients(
                    [&] { return gru.forward(x); },
                    {{"x", &x}, {"weight_ih_l0", &gru.weight_ih}, {"weight_hh_l0", &gru.weight_hh},
                     {"bias_ih_l0", &gru.bias_ih}, {"bias_hh_l0", &gru.bias_hh}});
                check_report(rep, std::string(cpu_path_name(path)) + " " + gru.describe() + " on " +
                                      shape_str(x.shape()));
            }
        }
    }
}

TEST_CASE("ToSequence: (N, C, H, W) -> (N, W, C*H) element by element, and its backward by finite differences") {
    ToSequence seq;
    const int N = 2, C = 3, H = 4, W = 5;
    Tensor x({N, C, H, W});
    for (size_t i = 0; i < x.numel(); i++) x.at(i) = (float)i;
    Tensor y;
    {
        NoGrad ng;
        y = seq.forward(x);
    }
    REQUIRE(y.shape() == Shape({N, W, C * H}));
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int h = 0; h < H; h++)
                for (int w = 0; w < W; w++)
                    CHECK(y.at(((size_t)n * W + w) * C * H + c * H + h) == x.at((((size_t)n * C + c) * H + h) * W + w));
    CHECK_THROWS_AS(seq.output_shape({2, 3, 4}), std::invalid_argument);

    Rng rng(71);
    Tensor x2({2, 3, 2, 4});
    fill_normal(x2, rng);
    check_report(check_gradients([&] { return seq.forward(x2); }, {{"x", &x2}}), "ToSequence");
}

TEST_CASE("gradcheck: ToSequence -> GRU -> Linear-free stack (GRU sequence into GRU last) end to end") {
    Rng rng(73);
    ToSequence seq;
    GRU g1(2 * 3, 4, GRU::Output::Sequence), g2(4, 3, GRU::Output::Last);
    g1.reset_parameters(rng);
    g2.reset_parameters(rng);
    Tensor x({2, 2, 3, 5});
    fill_normal(x, rng);
    std::vector<Wrt> wrt = {{"x", &x}, {"g1.weight_ih", &g1.weight_ih}, {"g1.weight_hh", &g1.weight_hh},
                            {"g2.weight_ih", &g2.weight_ih}, {"g2.bias_hh", &g2.bias_hh}};
    check_report(check_gradients([&] { return g2.forward(g1.forward(seq.forward(x))); }, wrt),
                 "ToSequence -> GRU(sequence) -> GRU(last)");
}

TEST_CASE("pytorch parity: nn.GRU(batch_first=True) output, dx and every parameter gradient (rel. error <= 1e-5)") {
    ParityFixture fx("tests/fixtures/gru_parity.bin");
    const Tensor& in = fx["input"];
    const int I = in.dim(2), H = fx["weight_hh_l0"].dim(1);
    for (CpuPath path : {CpuPath::Reference, CpuPath::Fast}) {
        PathGuard guard(path);
        for (const char* tag : {"seq", "last"}) {
            GRU gru(I, H, std::string(tag) == "seq" ? GRU::Output::Sequence : GRU::Output::Last);
            auto params = gru.parameters();
            REQUIRE(params.size() == 4);
            for (auto& p : params) {
                REQUIRE(p.tensor->shape() == fx[p.name].shape());  // PyTorch's names and shapes
                p.tensor->copy_from(fx[p.name]);
            }
            Tensor x = in.clone();
            x.set_requires_grad(true);
            current_tape().clear();
            Tensor y = gru.forward(x);
            const Tensor& seq_out = fx["output"];
            double out_err;
            if (std::string(tag) == "seq") {
                REQUIRE(y.shape() == seq_out.shape());
                out_err = scaled_max_error(y, seq_out);
            } else {  // h_T = output[:, -1]
                Tensor last({x.dim(0), H});
                for (int n = 0; n < x.dim(0); n++)
                    for (int j = 0; j < H; j++)
                        last.at((size_t)n * H + j) = seq_out.at(((size_t)n * x.dim(1) + x.dim(1) - 1) * H + j);
                REQUIRE(y.shape() == last.shape());
                out_err = scaled_max_error(y, last);
            }
            current_tape().backward(y, fx[std::string(tag) + "/grad_output"]);
            double worst = scaled_max_error(x.grad(), fx[std::string(tag) + "/grad/input"]);
            std::string worst_name = "input";
            for (auto& p : params) {
                double e = scaled_max_error(p.tensor->grad(), fx[std::string(tag) + "/grad/" + p.name]);
                if (e > worst) { worst = e; worst_name = p.name; }
            }
            MESSAGE(std::string(cpu_path_name(path)) << " output=" << std::string(tag) << ": output rel. error " << out_err
                                        << ", worst gradient " << worst_name << " " << worst);
            CHECK(out_err <= 1e-5);
            CHECK(worst <= 1e-5);
        }
    }
}

TEST_CASE("model text: crnn builds, gives (N, 10), and has PyTorch's parameter count") {
    BuiltModel crnn = build_model(resolve_model_text("crnn"), "crnn");
    CHECK(crnn.input_shape == Shape({1, 128, 128}));
    CHECK(crnn.output_shape == Shape({10}));
    // PyTorch's count of the same network, computed by tests/fixtures/make_gru_fixture.py. By hand: convs
    // 160 + 4,640 + 18,496, batch norms 32 + 64 + 128, GRU(1024, 64) 3·64·(1024 + 64) + 2·3·64 = 209,280,
    // Linear(64, 10) 650: 233,450.
    ParityFixture fx("tests/fixtures/gru_parity.bin");
    CHECK(crnn.model->parameter_count() == (size_t)fx["crnn/parameter_count"].item());
    CHECK(crnn.model->parameter_count() == 233450);
    bool has_gru_names = false;
    for (auto& p : crnn.model->parameters()) has_gru_names |= p.name == "13.weight_hh_l0";
    CHECK(has_gru_names);

    Rng rng(5);
    Tensor x({2, 1, 128, 128});
    fill_normal(x, rng);
    crnn.model->eval();
    NoGrad ng;
    Tensor y = crnn.model->forward(x);
    CHECK(y.shape() == Shape({2, 10}));
    for (size_t i = 0; i < y.numel(); i++) CHECK(std::isfinite(y.at(i)));
}

TEST_CASE("model text: gru and to_sequence errors name source:line and the problem") {
    auto error_of = [](const std::string& text) -> std::string {
        try {
            build_model(text, "my.model");
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    };
    auto contains = [](const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; };
    std::string e = error_of("input 1 8 8\nconv2d out=4 kernel=3\ngru hidden=8\n");  // no to_sequence
    CHECK(contains(e, "my.model:3"));
    CHECK(contains(e, "to_sequence"));
    e = error_of("input 1 8 8\nto_sequence\ngru\n");
    CHECK(contains(e, "my.model:3"));
    CHECK(contains(e, "hidden="));
    e = error_of("input 1 8 8\nto_sequence\ngru hidden=8 output=first\n");
    CHECK(contains(e, "my.model:3"));
    CHECK(contains(e, "last|sequence"));
    e = error_of("input 1 8 8\nto_sequence\ngru hidden=0\n");
    CHECK(contains(e, "must be positive"));
    e = error_of("input 1 8 8\nflatten\nto_sequence\n");
    CHECK(contains(e, "my.model:3"));
    e = error_of("input 1 8 8\nto_sequence\ngru hidden=8 output=sequence\nlinear out=2\n");
    CHECK(contains(e, "my.model:4"));
    // A stacked GRU builds: (8, 8) -> sequence (8, 16) -> last (4,)
    BuiltModel m = build_model("input 1 8 8\nto_sequence\ngru hidden=16 output=sequence\ngru hidden=4\n", "stacked");
    CHECK(m.output_shape == Shape({4}));
    CHECK(m.model->parameter_count() == (size_t)(3 * 16 * (8 + 16) + 6 * 16 + 3 * 4 * (16 + 4) + 6 * 4));
}
