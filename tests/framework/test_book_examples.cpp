// The book's worked examples, run: every number that docs/03-tensors-and-tape.md and
// docs/04-layers-and-backprop.md print for these examples is checked here, so the chapters cannot drift
// from the code. The numbers are chosen so that every value is exact in float32: the checks are equalities.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "framework/backend.h"
#include "framework/layers/conv2d.h"
#include "framework/layers/linear.h"
#include "framework/layers/relu.h"
#include "framework/layers/sequential.h"
#include "framework/model_text.h"
#include "framework/tape.h"
#include "tests/framework/gradcheck.h"

using namespace melgrad;

namespace {

// Chapter 3's network: y = W2 · relu(W1 · x), no biases, x of 2 values, one output.
//   x = (1, 2),  W1 = [[0.5, -1], [1, 0.25]],  W2 = [[2, -3]]
std::unique_ptr<Sequential> chapter1_network() {
    auto net = std::make_unique<Sequential>();
    net->emplace<Linear>(2, 2, /*bias=*/false).emplace<ReLU>().emplace<Linear>(2, 1, /*bias=*/false);
    for (NamedTensor& p : net->parameters()) {
        if (p.name == "0.weight") p.tensor->copy_from(Tensor::from_vector({2, 2}, {0.5f, -1.0f, 1.0f, 0.25f}));
        if (p.name == "2.weight") p.tensor->copy_from(Tensor::from_vector({1, 2}, {2.0f, -3.0f}));
    }
    return net;
}

Tensor chapter1_input() {
    Tensor x = Tensor::from_vector({1, 2}, {1.0f, 2.0f});
    x.set_requires_grad(true);
    return x;
}

// A tensor's values as the chapter prints them, "{0, 0, -3, -6}": the checks compare these strings, so a
// failing one shows the numbers it got (doctest cannot print a std::vector).
std::string printed(const std::vector<float>& v) {
    std::string out = "{";
    char buf[32];
    for (size_t i = 0; i < v.size(); i++) {
        std::snprintf(buf, sizeof buf, "%g", v[i]);
        out += (i ? ", " : "") + std::string(buf);
    }
    return out + "}";
}
std::string printed(const Tensor& t) { return printed(t.to_vector()); }
std::string values(NamedTensor& p) { return printed(*p.tensor); }
std::string grads(NamedTensor& p) { return printed(p.tensor->grad()); }

}  // namespace

TEST_CASE("book, chapter 3: the two-layer gradient by hand equals the tape's, on both CPU paths") {
    for (CpuPath path : {CpuPath::Reference, CpuPath::Fast}) {
        testing::PathGuard guard(path);  // restored even when a check stops the case
        const std::string path_name = cpu_path_name(path);
        INFO(path_name << " path");
        current_tape().clear();
        auto net = chapter1_network();
        std::vector<NamedTensor> params = net->parameters();
        REQUIRE(params.size() == 2);
        CHECK(params[0].name == "0.weight");  // ReLU (layer 1) has no parameters
        CHECK(params[1].name == "2.weight");
        CHECK(values(params[0]) == "{0.5, -1, 1, 0.25}");

        Tensor x = chapter1_input();
        Tensor y = net->forward(x);
        CHECK(current_tape().size() == 3);  // Linear, ReLU, Linear
        CHECK(printed(y) == "{-4.5}");
        backward(y);
        CHECK(current_tape().size() == 0);  // backward() empties the tape
        CHECK(grads(params[1]) == "{0, 1.5}");        // dW2 = dy · h
        CHECK(grads(params[0]) == "{0, 0, -3, -6}");   // dW1 = dz ⊗ x
        CHECK(printed(x.grad()) == "{-3, -0.75}");    // dx = W1ᵀ dz

        // A second backward adds to the gradients; zero_grad() sets them back to 0.
        Tensor y2 = net->forward(x);
        backward(y2);
        CHECK(grads(params[1]) == "{0, 3}");
        net->zero_grad();
        CHECK(grads(params[0]) == "{0, 0, 0, 0}");
        CHECK(grads(params[1]) == "{0, 0}");

        // NoGrad: the same forward pass, nothing recorded.
        {
            NoGrad no_grad;
            Tensor y3 = net->forward(x);
            CHECK(printed(y3) == "{-4.5}");
            CHECK(current_tape().size() == 0);
            CHECK_FALSE(y3.requires_grad());
        }
    }
}

TEST_CASE("book, chapter 4: a convolution's dx is the full convolution of dy with the flipped kernel") {
    // x 3x3, w 2x2 = [[1, 2], [3, 4]], no padding: y is 2x2. dy = [[1, 10], [100, 1000]].
    const std::vector<float> w = {1, 2, 3, 4}, dy = {1, 10, 100, 1000};
    const std::vector<float> expected = {1, 12, 20, 103, 1234, 2040, 300, 3400, 4000};  // as printed in the book
    // The full convolution: dy padded with R - 1 = 1 zero on every side, slid under the flipped kernel.
    std::vector<float> dy_padded(16, 0.0f);
    for (int p = 0; p < 2; p++)
        for (int q = 0; q < 2; q++) dy_padded[(p + 1) * 4 + q + 1] = dy[p * 2 + q];
    std::vector<float> full(9, 0.0f);
    for (int h = 0; h < 3; h++)
        for (int v = 0; v < 3; v++)
            for (int r = 0; r < 2; r++)
                for (int s = 0; s < 2; s++) full[h * 3 + v] += dy_padded[(h + r) * 4 + v + s] * w[(1 - r) * 2 + (1 - s)];
    CHECK(full == expected);
    for (CpuPath path : {CpuPath::Reference, CpuPath::Fast}) {
        testing::PathGuard guard(path);  // restored even when a check stops the case
        const std::string path_name = cpu_path_name(path);
        INFO(path_name << " path");
        current_tape().clear();
        Conv2d conv(1, 1, 2, /*stride=*/1, /*padding=*/0, /*bias=*/false);
        conv.weight.copy_from(Tensor::from_vector({1, 1, 2, 2}, w));
        Tensor x = Tensor::from_vector({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});  // any x: dx does not read it
        x.set_requires_grad(true);
        Tensor y = conv.forward(x);
        current_tape().backward(y, Tensor::from_vector({1, 1, 2, 2}, dy));
        CHECK(x.grad().to_vector() == expected);
    }
}

namespace {
// dx of a convolution written as the chapter's transposed convolution: for each input channel c,
// dx[c] = sum over output channels k of (dy[k] with stride - 1 zeros between its elements, padded with
// R - 1 - pad zeros) slid under the kernel w[k, c] flipped in both directions. One image, square sizes.
std::vector<float> dx_by_transposed_convolution(const std::vector<float>& w, const std::vector<float>& dy, int C,
                                                int H, int K, int R, int P, int stride, int pad) {
    const int D = (P - 1) * stride + 1, border = R - 1 - pad, E = D + 2 * border;  // dilated, then padded
    std::vector<float> dx((size_t)C * H * H, 0.0f);
    for (int k = 0; k < K; k++) {
        std::vector<float> e((size_t)E * E, 0.0f);
        for (int p = 0; p < P; p++)
            for (int q = 0; q < P; q++) e[(size_t)(border + p * stride) * E + border + q * stride] = dy[((size_t)k * P + p) * P + q];
        for (int c = 0; c < C; c++)
            for (int h = 0; h < H; h++)
                for (int v = 0; v < H; v++)
                    for (int r = 0; r < R; r++)
                        for (int s = 0; s < R; s++) {
                            if (h + r >= E || v + s >= E) continue;  // rows no window reached: no gradient
                            const float wf = w[(((size_t)k * C + c) * R + (R - 1 - r)) * R + (R - 1 - s)];
                            dx[((size_t)c * H + h) * H + v] += e[(size_t)(h + r) * E + v + s] * wf;
                        }
    }
    return dx;
}
}  // namespace

TEST_CASE("book, chapter 4: with padding and stride, dx is still a convolution with the flipped kernel") {
    struct Case { int C, H, K, R, stride, pad; };
    for (Case t : {Case{2, 5, 3, 3, 1, 1}, Case{2, 5, 3, 3, 2, 1}, Case{1, 6, 2, 2, 2, 0}, Case{3, 7, 2, 5, 1, 2}, Case{1, 6, 2, 3, 2, 0}}) {
        INFO("C " << t.C << ", H " << t.H << ", K " << t.K << ", kernel " << t.R << ", stride " << t.stride
                  << ", padding " << t.pad);
        current_tape().clear();
        Conv2d conv(t.C, t.K, t.R, t.stride, t.pad, /*bias=*/false);
        Tensor x({1, t.C, t.H, t.H});
        for (size_t i = 0; i < x.numel(); i++) x.at(i) = (float)((i * 7) % 11) - 5.0f;
        x.set_requires_grad(true);
        Tensor y = conv.forward(x);
        const int P = y.dim(2);
        std::vector<float> dy(y.numel());
        for (size_t i = 0; i < dy.size(); i++) dy[i] = (float)((i * 5) % 13) - 6.0f;
        current_tape().backward(y, Tensor::from_vector(y.shape(), dy));
        const std::vector<float> tape_dx = x.grad().to_vector();
        const std::vector<float> flipped = dx_by_transposed_convolution(conv.weight.to_vector(), dy, t.C, t.H, t.K,
                                                                        t.R, P, t.stride, t.pad);
        for (size_t i = 0; i < tape_dx.size(); i++)
            CHECK(tape_dx[i] == doctest::Approx(flipped[i]).epsilon(1e-5).scale(1.0));
    }
}

TEST_CASE("book, chapter 4: im2col's matrices for the paper CNN's four convolutions") {
    // What the table in "Why im2col" prints, per conv layer: the input (C, H, W), K, the rows J = C·3·3 + 1
    // of [col; 1] (the 1 carries the bias), the output pixels per image P·Q, and the columns of one band.
    struct Row { int C, H, K, J, PQ, band_columns, bands; };
    const Row expected[] = {{1, 128, 16, 10, 16384, 512, 32},
                            {16, 64, 32, 145, 4096, 512, 8},
                            {32, 32, 64, 289, 1024, 512, 2},
                            {64, 16, 128, 577, 256, 256, 1}};
    BuiltModel built = build_model(resolve_model_text("paper-cnn"), "paper-cnn");
    Shape s = {32, 1, 128, 128};  // batch 32
    int seen = 0;
    for (size_t i = 0; i < built.model->size(); i++) {
        Module& layer = (*built.model)[i];
        if (auto* conv = dynamic_cast<Conv2d*>(&layer)) {
            REQUIRE(seen < 4);
            const Row& e = expected[seen++];
            Conv2dGeometry g = conv2d_geometry(s, conv->window());
            INFO("conv layer " << i);
            CHECK(g.N == 32);
            CHECK(g.C == e.C);
            CHECK(g.H == e.H);
            CHECK(g.W == e.H);
            CHECK(g.K == e.K);
            CHECK(g.C * g.R * g.S + 1 == e.J);
            CHECK(g.P * g.Q == e.PQ);
            const int rows = std::min(conv2d_fast_band_rows(g), g.P);
            CHECK(rows * g.Q == e.band_columns);
            CHECK((g.P + rows - 1) / rows == e.bands);
        }
        s = layer.output_shape(s);
    }
    CHECK(seen == 4);
}
