// The fast CPU path (im2col + OpenBLAS, OpenMP) against the reference path (plain loops) on random shapes,
// odd sizes included: forward outputs and every gradient, at 1 and 2 threads.
#include <doctest/doctest.h>

#include "framework/backend.h"
#include "framework/cpu/panel_gemm.h"
#include "framework/layers/conv2d.h"
#include "framework/layers/linear.h"
#include "tests/framework/gradcheck.h"

using namespace melgrad;
using namespace melgrad::testing;

namespace {

struct Result {
    std::vector<float> y, dx, dw, db;
};

struct PathAndThreads {
    CpuPath saved_path = cpu_path();
    int saved_threads = num_threads();
    PathAndThreads(CpuPath p, int threads) { set_cpu_path(p); set_num_threads(threads); }
    ~PathAndThreads() { set_cpu_path(saved_path); set_num_threads(saved_threads); }
};

// Runs forward and backward (seeded with a fixed random output gradient) on one path.
template <class Layer>
Result run_layer(Layer& layer, const Tensor& x_in, CpuPath path, int threads, uint64_t seed) {
    PathAndThreads guard(path, threads);
    Tensor x = x_in.clone();
    x.set_requires_grad(true);
    layer.weight.zero_grad();
    if (layer.bias.defined()) layer.bias.zero_grad();
    current_tape().clear();
    Tensor y = layer.forward(x);
    Tensor r(y.shape());
    Rng rng(seed);
    fill_normal(r, rng);
    current_tape().backward(y, r);
    Result out{y.to_vector(), x.grad().to_vector(), layer.weight.grad().to_vector(), {}};
    if (layer.bias.defined()) out.db = layer.bias.grad().to_vector();
    return out;
}

template <class Layer>
void compare_paths(Layer& layer, const Tensor& x, const std::string& what) {
    Result ref = run_layer(layer, x, CpuPath::Reference, 1, 9);
    for (int threads : {1, 2}) {
        Result fast = run_layer(layer, x, CpuPath::Fast, threads, 9);
        INFO(what << ", " << threads << " thread(s)");
        CHECK(scaled_max_error(fast.y, ref.y) <= 1e-5);
        CHECK(scaled_max_error(fast.dx, ref.dx) <= 1e-5);
        CHECK(scaled_max_error(fast.dw, ref.dw) <= 1e-5);
        CHECK(scaled_max_error(fast.db, ref.db) <= 1e-5);
    }
}

// The convolution's weights and then its input x (shape), both drawn from Rng(seed), as the cases below do.
Tensor randomise(Conv2d& conv, const Shape& shape, uint64_t seed) {
    Rng rng(seed);
    conv.reset_parameters(rng);
    Tensor x(shape);
    fill_normal(x, rng);
    return x;
}

}  // namespace

TEST_CASE("fast vs reference: Conv2d on random shapes (odd sizes, strides, paddings, batch not a multiple of threads)") {
    Rng shapes(2024);
    for (int trial = 0; trial < 12; trial++) {
        int N = 1 + (int)shapes.below(5), C = 1 + (int)shapes.below(6), K = 1 + (int)shapes.below(9);
        int k = 1 + (int)shapes.below(5), stride = 1 + (int)shapes.below(3), pad = (int)shapes.below(k);
        int H = k + (int)shapes.below(12), W = k + (int)shapes.below(12);
        bool bias = shapes.below(2) == 0;
        Conv2d conv(C, K, k, stride, pad, bias);
        const Tensor x = randomise(conv, {N, C, H, W}, trial);
        compare_paths(conv, x, conv.describe() + " on " + shape_str(x.shape()));
    }
}

TEST_CASE("fast vs reference: Conv2d at the paper CNN's first-layer shape") {
    Conv2d conv(1, 16, 3, 1, 1);
    Tensor x({3, 1, 128, 128});
    Rng rng(5);
    fill_normal(x, rng);
    compare_paths(conv, x, "paper conv1");
}

TEST_CASE("fast vs reference: Linear on random shapes") {
    Rng shapes(77);
    for (int trial = 0; trial < 8; trial++) {
        int N = 1 + (int)shapes.below(9), in = 1 + (int)shapes.below(70), out = 1 + (int)shapes.below(20);
        bool bias = trial % 2 == 0;
        Linear lin(in, out, bias);
        Rng rng(trial + 100);
        lin.reset_parameters(rng);
        Tensor x({N, in});
        fill_normal(x, rng);
        compare_paths(lin, x, lin.describe() + " on " + shape_str(x.shape()));
    }
}

TEST_CASE("fast path: Conv2d gives the same bits at 1 and 2 threads (per-image sums added in image order)") {
    // Large enough (7.7 million multiply-adds) for the fast path to use threads; odd sizes, 9 images.
    Conv2d conv(7, 10, 3, 1, 0);
    const Tensor x = randomise(conv, {9, 7, 41, 37}, 8);
    compare_paths(conv, x, "threaded " + conv.describe() + " on " + shape_str(x.shape()));
    Result one = run_layer(conv, x, CpuPath::Fast, 1, 4), two = run_layer(conv, x, CpuPath::Fast, 2, 4);
    CHECK(one.y == two.y);
    CHECK(one.dx == two.dx);
    CHECK(one.dw == two.dw);
    CHECK(one.db == two.db);
}

TEST_CASE("fast vs reference: Conv2d edge geometries (padding wider than the image, 1-pixel inputs, stride > kernel)") {
    struct Case { int N, C, H, W, K, k, stride, pad; };
    for (Case c : {Case{2, 2, 1, 1, 3, 3, 1, 2}, Case{1, 1, 2, 5, 2, 3, 1, 2}, Case{3, 2, 9, 9, 2, 2, 3, 1},
                   Case{2, 3, 4, 1, 4, 1, 2, 0}}) {
        Conv2d conv(c.C, c.K, c.k, c.stride, c.pad);
        const Tensor x = randomise(conv, {c.N, c.C, c.H, c.W}, c.H * 31 + c.W);
        compare_paths(conv, x, conv.describe() + " on " + shape_str(x.shape()));
    }
}

TEST_CASE("fast vs reference: 'same' convolutions, whose im2col rows are one contiguous run of the image") {
    // stride 1 and the output as wide as the input (framework/cpu/im2col.cpp copies and adds whole runs): kernels
    // 1, 3 and 5, padding wider than a 1-pixel image, and 40 columns, whose bands of 12 rows leave a last band of 4
    struct Case { int N, C, H, W, K, k, pad; };
    for (Case c : {Case{2, 3, 7, 5, 4, 3, 1}, Case{1, 2, 1, 1, 3, 3, 1}, Case{2, 2, 3, 1, 2, 5, 2},
                   Case{2, 2, 6, 9, 3, 5, 2}, Case{3, 4, 5, 6, 2, 1, 0}, Case{2, 3, 40, 40, 5, 3, 1}}) {
        Conv2d conv(c.C, c.K, c.k, 1, c.pad);
        const Tensor x = randomise(conv, {c.N, c.C, c.H, c.W}, c.H * 17 + c.W + c.k);
        compare_paths(conv, x, conv.describe() + " on " + shape_str(x.shape()));
    }
}

TEST_CASE("fast vs reference: Conv2d whose products run in panel_gemm (16 -> 32 channels, bands of 512 pixels)") {
    // J = 145 and 32 output channels (forward), 144 rows and 32 inner (dcol): both products of the paper CNN's second
    // layer go through framework/cpu/panel_gemm.h where the build has AVX-512
    Conv2d conv(16, 32, 3, 1, 1);
    const Tensor x = randomise(conv, {2, 16, 16, 64}, 21);
    const Conv2dGeometry g = conv2d_geometry(x.shape(), conv.window());
    const ConvBandWeights weights = conv2d_band_weights(conv.weight.data(), conv.bias.data(), g);
    CHECK(weights.panels.empty() == !panel_gemm_fits(8, 32));  // packed for panel_gemm exactly where it runs
    compare_paths(conv, x, "panel_gemm " + conv.describe() + " on " + shape_str(x.shape()));
}
