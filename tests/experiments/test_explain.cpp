// melgrad explain's maths (experiments/gtzan/explain.h): the input gradient against central finite
// differences and against PyTorch (tests/fixtures/explain_parity.bin, written by
// tests/fixtures/make_explain_fixture.py), Grad-CAM against PyTorch's hooks, and a model trained on a set
// where only one frequency band carries the class puts its saliency in that band.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "experiments/figures/explain_figure.h"
#include "experiments/gtzan/explain.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/optim/sgd.h"
#include "framework/rng.h"
#include "framework/tape.h"
#include "tests/framework/gradcheck.h"
#include "tests/framework/parity_fixture.h"

using namespace melgrad;
using namespace melgrad::testing;

namespace {

// Buffers as make_explain_fixture.py sets them: number b, element i: offset + scale * (2u - 1).
void set_buffers(Module& model, const ParityFixture* fx) {
    auto buffers = model.buffers();
    for (size_t b = 0; b < buffers.size(); b++) {
        float offset = 1.0f, scale = 0.5f;  // running_var
        if (fx) offset = (*fx)["bufinit/" + buffers[b].name].at(0), scale = (*fx)["bufinit/" + buffers[b].name].at(1);
        else if (buffers[b].name.find("running_mean") != std::string::npos) offset = 0.0f, scale = 0.1f;
        Tensor& t = *buffers[b].tensor;
        for (size_t i = 0; i < t.numel(); i++) t.at(i) = offset + scale * (2.0f * counter_uniform(2000 + b, i) - 1.0f);
    }
}

// One chunk's score under NoGrad, accumulated in double.
double score_of(Sequential& model, const Tensor& x, int chunk, int target) {
    NoGrad ng;
    Tensor y = model.forward(x);
    return y.at((size_t)chunk * y.dim(1) + target);
}

const char* kSmallModel = R"(input 1 8 12
conv2d out=3 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=2
conv2d out=4 kernel=3 padding=1
relu
flatten
linear out=5
)";

}  // namespace

TEST_CASE("explain: the input gradient equals central finite differences (small conv model, eval mode)") {
    BuiltModel built = build_model(kSmallModel, "small");
    Sequential& model = *built.model;
    set_buffers(model, nullptr);
    model.eval();
    Rng rng(11);
    Tensor x({2, 1, 8, 12});
    fill_normal(x, rng);
    gtzan::Explanation e = gtzan::explain_batch(model, x, {});
    REQUIRE(e.input_gradient.size() == x.numel());
    for (const auto& p : model.parameters()) CHECK_FALSE(p.tensor->has_grad());  // no weight gradient kept
    const double h = 1e-2;
    size_t checked = 0, kinks = 0;
    double worst = 0;
    for (int chunk = 0; chunk < 2; chunk++)
        for (size_t j = 0; j < 96; j++) {
            const size_t at = chunk * 96 + j;
            const float saved = x.at(at);
            const double base = score_of(model, x, chunk, e.target[chunk]);
            x.at(at) = saved + (float)h;
            const double plus = score_of(model, x, chunk, e.target[chunk]);
            x.at(at) = saved - (float)h;
            const double minus = score_of(model, x, chunk, e.target[chunk]);
            x.at(at) = saved;
            const double right = (plus - base) / h, left = (base - minus) / h, numeric = (plus - minus) / (2 * h);
            const double a = e.input_gradient[at], scale = std::max({std::fabs(a), std::fabs(numeric), 0.1});
            // The model is piecewise linear in its input (eval-mode BatchNorm is affine): the two one-sided
            // slopes agree to rounding unless a ReLU or max-pool kink lies within h; those are skipped.
            if (std::fabs(right - left) > 2e-3 * scale) { kinks++; continue; }
            worst = std::max(worst, std::fabs(a - numeric) / scale);
            checked++;
        }
    INFO("checked " << checked << ", kinks skipped " << kinks << ", worst scaled error " << worst);
    CHECK(checked >= 150);
    CHECK(worst < 1e-3);
}

TEST_CASE("explain: chunks explained in one batch get the gradients they get one at a time") {
    BuiltModel built = build_model(kSmallModel, "small");
    set_buffers(*built.model, nullptr);
    built.model->eval();
    Rng rng(5);
    Tensor x({3, 1, 8, 12});
    fill_normal(x, rng);
    gtzan::ExplainOptions o;
    o.target = 2;
    gtzan::Explanation all = gtzan::explain_batch(*built.model, x, o);
    for (int i = 0; i < 3; i++) {
        Tensor one = Tensor::from_vector({1, 1, 8, 12}, std::vector<float>(x.data() + i * 96, x.data() + (i + 1) * 96));
        gtzan::Explanation e = gtzan::explain_batch(*built.model, one, o);
        for (size_t j = 0; j < 96; j++) REQUIRE(e.input_gradient[j] == doctest::Approx(all.input_gradient[i * 96 + j]).epsilon(1e-5));
        for (size_t j = 0; j < e.gradcam.size(); j++) REQUIRE(e.gradcam[j] == doctest::Approx(all.gradcam[i * 96 + j]).epsilon(1e-5));
    }
}

TEST_CASE("explain: the paper CNN's input gradient and Grad-CAM equal PyTorch's (rel. error <= 1e-4)") {
    ParityFixture fx("tests/fixtures/explain_parity.bin");
    BuiltModel built = build_model(resolve_model_text("paper-cnn"), "paper-cnn");
    Sequential& model = *built.model;
    fx.set_weights(model);
    set_buffers(model, &fx);
    model.eval();
    const uint64_t seed = (uint64_t)fx["input_seed"].at(0);
    Tensor x({2, 1, 128, 128});
    for (size_t i = 0; i < x.numel(); i++) x.at(i) = counter_uniform(seed, i);
    const size_t size = 128 * 128, coarse = 16 * 16;
    CHECK(gtzan::gradcam_layer_index(model) == 14);
    for (int chunk = 0; chunk < 2; chunk++) {  // chunk 0: its own top class; chunk 1: a given class whose
                                               // map the ReLU cuts in places (see the fixture script)
        gtzan::ExplainOptions o;
        o.target = chunk == 0 ? -1 : (int)fx["targets"].at(1);
        gtzan::Explanation e = gtzan::explain_batch(model, x, o);
        CHECK(e.target[chunk] == (int)fx["targets"].at(chunk));
        CHECK(scaled_max_error(e.logits, fx["logits"].to_vector()) <= 1e-4);
        auto part = [&](const std::vector<float>& v, size_t n) {
            return std::vector<float>(v.begin() + chunk * n, v.begin() + (chunk + 1) * n);
        };
        const double grad_err = scaled_max_error(part(e.input_gradient, size), part(fx["input_grad"].to_vector(), size));
        const double coarse_err = scaled_max_error(part(e.cam_coarse, coarse), part(fx["cam_coarse"].to_vector(), coarse));
        const double cam_err = scaled_max_error(part(e.gradcam, size), part(fx["gradcam"].to_vector(), size));
        INFO("chunk " << chunk << ": input gradient " << grad_err << ", coarse CAM " << coarse_err << ", Grad-CAM " << cam_err);
        CHECK(grad_err <= 1e-4);
        CHECK(coarse_err <= 1e-4);
        CHECK(cam_err <= 1e-4);
    }
}

TEST_CASE("explain: Grad-CAM reads the last conv block; a model without a conv layer is refused clearly") {
    CHECK(gtzan::gradcam_layer_index(*build_model(resolve_model_text("crnn"), "crnn").model) == 10);
    CHECK(gtzan::gradcam_layer_index(*build_model(resolve_model_text("tiny-cnn"), "tiny").model) == 6);
    // chapter 14's LeakyReLU ends a conv block as ReLU does (layer 2, not the BatchNorm before it)
    BuiltModel leaky = build_model("input 1 8 8\nconv2d out=2 kernel=3 padding=1\nbatchnorm2d\n"
                                   "leaky_relu negative_slope=0.1\nflatten\nlinear out=3\n", "leaky");
    CHECK(gtzan::gradcam_layer_index(*leaky.model) == 2);
    BuiltModel dense = build_model("input 1 4 4\nflatten\nlinear out=3\n", "dense");
    dense.model->eval();
    CHECK(gtzan::gradcam_layer_index(*dense.model) == -1);
    Tensor x = Tensor::full({1, 1, 4, 4}, 0.5f);
    CHECK_THROWS_WITH(gtzan::explain_batch(*dense.model, x, {}),
                      doctest::Contains("Grad-CAM needs a convolutional layer and this model has none"));
    CHECK(current_tape().size() == 0);
    gtzan::ExplainOptions saliency_only;
    saliency_only.gradcam = false;
    gtzan::Explanation e = gtzan::explain_batch(*dense.model, x, saliency_only);
    CHECK(e.input_gradient.size() == 16);
    CHECK(e.gradcam.empty());
    dense.model->train();
    CHECK_THROWS_WITH(gtzan::explain_batch(*dense.model, x, saliency_only), doctest::Contains("evaluation mode"));
}

TEST_CASE("explain: the CRNN is explained through its GRU; Grad-CAM on its last conv block (32 x 32 maps)") {
    BuiltModel built = build_model(resolve_model_text("crnn"), "crnn", 4);
    built.model->eval();
    Tensor x({1, 1, 128, 128});
    for (size_t i = 0; i < x.numel(); i++) x.at(i) = counter_uniform(9, i);
    gtzan::Explanation e = gtzan::explain_batch(*built.model, x, {});
    CHECK(e.cam_layer == 10);
    CHECK(e.cam_channels == 64);
    CHECK(e.cam_rows == 32);  // the last conv runs at 32 x 32, before the last pooling
    CHECK(e.cam_cols == 32);
    CHECK(e.gradcam.size() == 128 * 128);
    double total = 0;
    for (float g : e.input_gradient) total += std::fabs(g);
    CHECK(std::isfinite(total));
    CHECK(total > 0);
}

TEST_CASE("explain: bilinear upsampling follows PyTorch's align_corners=False; maps normalise to a maximum of 1") {
    const float src[2] = {0.f, 1.f};
    std::vector<float> up = gtzan::upsample_bilinear(src, 1, 2, 1, 4);
    CHECK(up == std::vector<float>{0.f, 0.25f, 0.75f, 1.f});
    const float A[8] = {1, 2, 3, 4, 4, 3, 2, 1}, dA[8] = {1, 1, 1, 1, -1, -1, -1, -3};  // alphas 1 and -1.5
    CHECK(gtzan::gradcam_map(A, dA, 2, 2, 2) == std::vector<float>{0.f, 0.f, 0.f, 2.5f});
    const float v[6] = {0, -3, 0, 0, 0, 0};
    std::vector<float> s = gtzan::smooth_and_normalise(v, 2, 3, 1.0f);
    CHECK(*std::max_element(s.begin(), s.end()) == doctest::Approx(1.0));
    CHECK(s[1] == doctest::Approx(1.0));  // the largest |value| stays the peak
}

// Noise everywhere; only mel rows [10, 14) say the class (+1.5 for class 1, -1.5 for class 0). Plain SGD with
// a little weight decay: the weights that only ever see noise shrink from their random start (Adam would
// instead walk them around with steps of lr whatever the gradient's size).
TEST_CASE("explain: a model trained where only one band carries the class puts its saliency in that band") {
    BuiltModel built = build_model("input 1 16 16\nconv2d out=4 kernel=3 padding=1\nrelu\nmaxpool2d kernel=2\n"
                                   "flatten\nlinear out=2\n", "band", 1);
    Sequential& model = *built.model;
    Rng rng(3);
    auto make_batch = [&](int n, Tensor& x, std::vector<int>& labels) {
        x = Tensor({n, 1, 16, 16});
        labels.assign(n, 0);
        for (int i = 0; i < n; i++) {
            labels[i] = rng.uniform() < 0.5f ? 0 : 1;
            for (int r = 0; r < 16; r++)
                for (int c = 0; c < 16; c++)
                    x.at(((size_t)i * 16 + r) * 16 + c) = rng.normal() + (r >= 10 && r < 14 ? (labels[i] ? 1.5f : -1.5f) : 0.f);
        }
    };
    SGD opt(model.parameters(), 0.05, 0.9, 0, 1e-2);
    model.train();
    Tensor x;
    std::vector<int> labels;
    for (int step = 0; step < 400; step++) {
        make_batch(32, x, labels);
        opt.zero_grad();
        Tensor loss = softmax_cross_entropy(model.forward(x), labels);
        backward(loss);
        opt.step();
    }
    model.eval();
    make_batch(64, x, labels);
    gtzan::Explanation e = gtzan::explain_batch(model, x, {});
    int correct = 0;
    for (int i = 0; i < 64; i++) correct += e.target[i] == labels[i];
    double band = 0, near_band = 0, total = 0;  // near: the band and the 3x3 conv's halo (one row each side)
    for (int i = 0; i < 64; i++)
        for (int r = 0; r < 16; r++)
            for (int c = 0; c < 16; c++) {
                const double g = std::fabs(e.input_gradient[((size_t)i * 16 + r) * 16 + c]);
                total += g;
                if (r >= 10 && r < 14) band += g;
                if (r >= 9 && r < 15) near_band += g;
            }
    INFO("accuracy " << correct << "/64, saliency in the band " << band / total << " (the band is 25% of the input), "
         "with its halo " << near_band / total << " (37.5%)");
    CHECK(correct >= 58);
    CHECK(band / total > 0.6);
    CHECK(near_band / total > 0.7);
}

// Not run without a GPU (skipped with its reason): the same explanation on the CUDA backend.
TEST_CASE("cuda: explain: on the GPU, the paper CNN's and the CRNN's maps equal the CPU's (rel. error <= 1e-4)" *
          doctest::skip(!cuda_available()) * doctest::description("no GPU: CUDA backend not run here")) {
    ParityFixture fx("tests/fixtures/explain_parity.bin");
    for (const char* name : {"paper-cnn", "crnn"}) {
        BuiltModel built = build_model(resolve_model_text(name), name, 2);
        Sequential& model = *built.model;
        if (std::string(name) == "paper-cnn") fx.set_weights(model);
        set_buffers(model, nullptr);
        model.eval();
        Tensor x({2, 1, 128, 128});
        for (size_t i = 0; i < x.numel(); i++) x.at(i) = counter_uniform(4000, i);
        gtzan::Explanation cpu = gtzan::explain_batch(model, x, {});
        model.to(Device::CUDA);
        gtzan::Explanation gpu = gtzan::explain_batch(model, x.to(Device::CUDA), {});
        INFO(name);
        CHECK(gpu.target == cpu.target);
        CHECK(scaled_max_error(gpu.input_gradient, cpu.input_gradient) <= 1e-4);
        CHECK(scaled_max_error(gpu.gradcam, cpu.gradcam) <= 1e-4);
    }
}

TEST_CASE("explain figure: the explained genre is always shown, in red, below the top 3 when it is not among them") {
    const std::vector<std::string> genres = {"blues", "classical", "jazz", "rock", "pop"};
    const std::vector<float> p = {0.05f, 0.10f, 0.62f, 0.20f, 0.03f};
    int highlighted = -2;
    CHECK(figures::genre_lines(p, genres, 2, &highlighted) == std::vector<std::string>{"jazz 62%", "rock 20%", "classical 10%"});
    CHECK(highlighted == 0);
    CHECK(figures::genre_lines(p, genres, 0, &highlighted) ==
          std::vector<std::string>{"jazz 62%", "rock 20%", "classical 10%", "blues 5%"});
    CHECK(highlighted == 3);
}
