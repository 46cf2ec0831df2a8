// CPU tests of the CUDA backend's plain-C++ parts: the __host__ __device__ index math and kernel bodies
// (framework/cuda/index_math.h) against the CPU layers, the cuBLAS layout mapping (framework/cuda/gemm_layout.h)
// through a column-major GEMM written here, the cuDNN algorithm rule, the allocator's buckets, the numerics
// switches, and the layers' IndexBuffer paths. These run on every machine, GPU or not.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/cuda/algo_choice.h"
#include "framework/cuda/cudnn_status.h"
#include "framework/cuda/allocator.h"
#include "framework/cuda/config.h"
#include "framework/cuda/gemm_layout.h"
#include "framework/cuda/graph.h"
#include "framework/cuda/index_math.h"
#include "framework/device_choice.h"
#include "framework/index_buffer.h"
#include "framework/layers/dropout.h"
#include "framework/layers/linear.h"
#include "framework/layers/pool2d.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/rng.h"
#include "framework/tape.h"
#include "tests/cuda/cpu_test_inputs.h"

using namespace melgrad;
using namespace melgrad::cuda;
using namespace melgrad::cuda_test;

namespace {
float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    float m = 0;
    for (size_t i = 0; i < a.size(); i++) m = std::max(m, std::fabs(a[i] - b[i]));
    return m;
}
}  // namespace

TEST_CASE("cuda index math: allocator buckets round up with bounded waste") {
    CHECK(bucket_bytes(0) == 512);
    CHECK(bucket_bytes(1) == 512);
    CHECK(bucket_bytes(512) == 512);
    CHECK(bucket_bytes(513) == 1024);
    CHECK(bucket_bytes(1 << 20) == (1u << 20));
    CHECK(bucket_bytes((1 << 20) + 1) == (1u << 20) + (1u << 18));  // quarter-MiB steps above 1 MiB
    size_t previous = 0;
    for (size_t bytes = 1; bytes < ((size_t)64 << 20); bytes = bytes * 5 / 4 + 7) {
        size_t b = bucket_bytes(bytes);
        CHECK(b >= bytes);
        CHECK(b >= previous);  // monotone: a bigger request never gets a smaller bucket
        if (bytes > ((size_t)1 << 20)) CHECK((double)b <= (double)bytes * 1.25 + 1);
        if (bytes > 512 && bytes <= ((size_t)1 << 20)) CHECK(b < 2 * bytes);
        CHECK(bucket_bytes(b) == b);  // a bucket size is its own bucket
        previous = b;
    }
}

TEST_CASE("cuda index math: pool_outputs_covering matches a brute-force search") {
    for (int k = 1; k <= 4; k++)
        for (int s = 1; s <= 4; s++)
            for (int H = k; H <= 11; H++) {
                int P = (H - k) / s + 1;
                for (int h = 0; h < H; h++) {
                    int lo, hi;
                    pool_outputs_covering(h, k, s, P, &lo, &hi);
                    for (int p = 0; p < P; p++) {
                        bool covers = p * s <= h && h < p * s + k;
                        CHECK_MESSAGE(covers == (p >= lo && p < hi), "k=" << k << " s=" << s << " H=" << H
                                                                          << " h=" << h << " p=" << p);
                    }
                }
            }
}

TEST_CASE("cuda index math: max-pool window and gathered gradient equal the CPU layer (ties, overlaps)") {
    struct Case { int N, C, H, W, k, s; };
    for (Case c : {Case{2, 3, 8, 8, 2, 2}, Case{1, 2, 7, 9, 3, 2}, Case{2, 1, 5, 6, 2, 1}, Case{1, 1, 4, 4, 4, 4}}) {
        Pool2dGeometry g = pool_geometry_for(c.N, c.C, c.H, c.W, c.k, c.s);
        std::vector<float> x = random_small_ints((size_t)c.N * c.C * c.H * c.W, 11 + c.H);
        size_t outs = (size_t)c.N * c.C * g.P * g.Q;
        std::vector<float> y_cpu(outs), y_hd(outs);
        std::vector<int32_t> a_cpu(outs), a_hd(outs);
        maxpool2d_forward_cpu(x.data(), y_cpu.data(), a_cpu.data(), g);
        for (size_t o = 0; o < outs; o++) {
            size_t nc = o / (g.P * g.Q);
            int p = (int)(o % (g.P * g.Q)) / g.Q, q = (int)(o % (g.P * g.Q)) % g.Q;
            a_hd[o] = maxpool_window(x.data() + nc * c.H * c.W, g, p, q, &y_hd[o]);
        }
        CHECK(y_hd == y_cpu);
        CHECK(a_hd == a_cpu);  // same tie rule: the first maximum

        std::vector<float> dy = random_values(outs, 5), dx_cpu(x.size(), 0.0f), dx_hd(x.size(), 0.0f);
        maxpool2d_backward_cpu(dy.data(), a_cpu.data(), dx_cpu.data(), g, /*accumulate=*/true);
        for (size_t i = 0; i < x.size(); i++) {
            size_t nc = i / (c.H * c.W);
            int h = (int)(i % (c.H * c.W)) / c.W, w = (int)(i % (c.H * c.W)) % c.W;
            dx_hd[i] += maxpool_input_grad(dy.data() + nc * g.P * g.Q, a_cpu.data() + nc * g.P * g.Q, g, h, w);
        }
        CHECK(max_abs_diff(dx_hd, dx_cpu) <= 1e-6f);
    }
}

TEST_CASE("cuda index math: average-pool window and gathered gradient equal the CPU layer") {
    struct Case { int N, C, H, W, k, s; };
    for (Case c : {Case{2, 3, 8, 8, 2, 2}, Case{1, 2, 7, 9, 3, 2}, Case{1, 1, 5, 5, 5, 1}, Case{2, 2, 6, 5, 2, 1}}) {
        Pool2dGeometry g = pool_geometry_for(c.N, c.C, c.H, c.W, c.k, c.s);
        std::vector<float> x = random_values((size_t)c.N * c.C * c.H * c.W, 3 + c.W);
        size_t outs = (size_t)c.N * c.C * g.P * g.Q;
        std::vector<float> y_cpu(outs), y_hd(outs);
        avgpool2d_forward_cpu(x.data(), y_cpu.data(), g);
        for (size_t o = 0; o < outs; o++) {
            size_t nc = o / (g.P * g.Q);
            int p = (int)(o % (g.P * g.Q)) / g.Q, q = (int)(o % (g.P * g.Q)) % g.Q;
            y_hd[o] = avgpool_window(x.data() + nc * c.H * c.W, g, p, q);
        }
        CHECK(y_hd == y_cpu);
        std::vector<float> dy = random_values(outs, 8), dx_cpu(x.size(), 0.0f), dx_hd(x.size(), 0.0f);
        avgpool2d_backward_cpu(dy.data(), dx_cpu.data(), g);
        for (size_t i = 0; i < x.size(); i++) {
            size_t nc = i / (c.H * c.W);
            int h = (int)(i % (c.H * c.W)) / c.W, w = (int)(i % (c.H * c.W)) % c.W;
            dx_hd[i] += avgpool_input_grad(dy.data() + nc * g.P * g.Q, g, h, w);
        }
        CHECK(max_abs_diff(dx_hd, dx_cpu) <= 1e-6f);
    }
}

TEST_CASE("cuda index math: channel splits visit every element of a channel exactly once") {
    for (int N : {1, 3, 32})
        for (int C : {1, 5})
            for (int HW : {1, 7, 4096, 16384}) {
                size_t m = (size_t)N * HW;
                int splits = reduction_splits(m);
                CHECK(splits >= 1);
                CHECK(splits <= kMaxSplits);
                for (int c = 0; c < C; c += C - 1 > 0 ? C - 1 : 1) {
                    std::vector<int> seen((size_t)N * C * HW, 0);
                    for (int s = 0; s < splits; s++) {
                        size_t b, e;
                        split_range(m, splits, s, &b, &e);
                        for (size_t j = b; j < e; j++) seen[channel_offset(j, c, C, HW)]++;
                    }
                    for (size_t o = 0; o < seen.size(); o++) {
                        int expected = bias_channel(o, C, HW) == c ? 1 : 0;  // the channel's own elements only
                        if (seen[o] != expected) {
                            FAIL("N=" << N << " C=" << C << " HW=" << HW << " c=" << c << " offset " << o);
                            break;
                        }
                    }
                }
            }
}

TEST_CASE("cuda index math: softmax_ce_row is the CPU forward, bit for bit; bad labels give NaN") {
    const int N = 7, C = 10;
    std::vector<float> z = random_values((size_t)N * C, 21, -20.0f, 20.0f);
    std::vector<int> labels = {0, 9, 3, 3, 5, 1, 8};
    std::vector<float> p_cpu((size_t)N * C), p_hd((size_t)N * C);
    float loss_cpu;
    softmax_cross_entropy_forward_cpu(z.data(), labels.data(), p_cpu.data(), &loss_cpu, N, C);
    double total = 0;
    for (int n = 0; n < N; n++) total += softmax_ce_row(z.data() + n * C, C, labels[n], p_hd.data() + n * C);
    CHECK(p_hd == p_cpu);
    CHECK((float)(total / N) == loss_cpu);
    CHECK(std::isnan(softmax_ce_row(z.data(), C, C, p_hd.data())));
    CHECK(std::isnan(softmax_ce_row(z.data(), C, -1, p_hd.data())));
}

TEST_CASE("cuda index math: dropout_mask_value is the CPU layer's mask") {
    const size_t n = 10007;
    const float p = 0.3f;
    std::vector<float> x(n, 1.0f), y(n), mask(n);
    dropout_forward_cpu(x.data(), y.data(), mask.data(), n, p, 0xC0FFEE);
    const float scale = 1.0f / (1.0f - p);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK_MESSAGE(dropout_mask_value(0xC0FFEE, i, p, scale) == mask[i], "element " << i);
        kept += mask[i] != 0;
    }
    CHECK((double)kept / n == doctest::Approx(0.7).epsilon(0.03));
}

namespace {
// C = op(A) op(B) + beta C, column-major, as cuBLAS computes it: the reference the layout mapping is run on.
void gemm_column_major(const GemmCall& c, const float* a, const float* b, float* out) {
    for (int i = 0; i < c.m; i++)
        for (int j = 0; j < c.n; j++) {
            double sum = 0;
            for (int l = 0; l < c.k; l++) {
                float av = c.trans_a ? a[l + (size_t)i * c.lda] : a[i + (size_t)l * c.lda];
                float bv = c.trans_b ? b[j + (size_t)l * c.ldb] : b[l + (size_t)j * c.ldb];
                sum += (double)av * bv;
            }
            float& o = out[i + (size_t)j * c.ldc];
            o = (float)(sum + (c.beta != 0.0f ? (double)c.beta * o : 0.0));
        }
}
}  // namespace

TEST_CASE("cuda gemm layout: the three column-major calls compute Linear's row-major products") {
    const int N = 5, in = 7, out = 3;
    std::vector<float> x = random_values((size_t)N * in, 1), w = random_values((size_t)out * in, 2),
                       b = random_values(out, 3), dy = random_values((size_t)N * out, 4);
    auto pick = [&](GemmOperand o) { return o == GemmOperand::X ? x.data() : o == GemmOperand::W ? w.data() : dy.data(); };

    std::vector<float> y_ref((size_t)N * out), y((size_t)N * out);
    linear_forward_reference(x.data(), w.data(), b.data(), y_ref.data(), N, in, out);
    for (int n = 0; n < N; n++)
        for (int o = 0; o < out; o++) y[(size_t)n * out + o] = b[o];  // the bias rows, as framework/layers/linear.cu
    GemmCall f = linear_forward_gemm(N, in, out, true);
    gemm_column_major(f, pick(f.a), pick(f.b), y.data());
    CHECK(max_abs_diff(y, y_ref) <= 1e-5f);

    // Backward accumulates: start both from the same nonzero gradients.
    std::vector<float> dw_ref = random_values((size_t)out * in, 5), dx_ref = random_values((size_t)N * in, 6);
    std::vector<float> dw = dw_ref, dx = dx_ref, db(out, 0.0f);
    linear_backward_reference(x.data(), w.data(), dy.data(), dx_ref.data(), dw_ref.data(), db.data(), N, in, out);
    GemmCall gw = linear_weight_grad_gemm(N, in, out), gx = linear_input_grad_gemm(N, in, out);
    gemm_column_major(gw, pick(gw.a), pick(gw.b), dw.data());
    gemm_column_major(gx, pick(gx.a), pick(gx.b), dx.data());
    CHECK(max_abs_diff(dw, dw_ref) <= 1e-5f);
    CHECK(max_abs_diff(dx, dx_ref) <= 1e-5f);
}

TEST_CASE("cuda algorithm choice: success, workspace limit, determinism, TF32") {
    std::vector<AlgoCandidate> ranked = {
        {7, false, 0, true, false},         // fastest but failed for this shape
        {6, true, 1000, false, true},       // TF32 tensor-op math, not deterministic
        {5, true, 5000, true, false},       // needs too much workspace
        {4, true, 100, false, false},       // FMA, not deterministic
        {3, true, 200, true, false},        // FMA, deterministic
    };
    CHECK(choose_algorithm(ranked, 1000, false, true) == 1);
    CHECK(choose_algorithm(ranked, 1000, false, false) == 3);
    CHECK(choose_algorithm(ranked, 1000, true, false) == 4);
    CHECK(choose_algorithm(ranked, 10000, true, false) == 2);
    CHECK(choose_algorithm(ranked, 50, true, false) == -1);
    CHECK(choose_algorithm({}, 1000, false, false) == -1);
    // the fallbacks, best first
    CHECK(usable_algorithms(ranked, 1000, false, true) == std::vector<int>{1, 3, 4});
    CHECK(usable_algorithms(ranked, 10000, true, false) == std::vector<int>{2, 4});
    CHECK(usable_algorithms(ranked, 50, true, false).empty());
}

TEST_CASE("cuda config: TF32 off and determinism off by default, switchable") {
    CHECK_FALSE(tf32_enabled());
    CHECK_FALSE(deterministic());
    set_tf32(true);
    set_deterministic(true);
    CHECK(tf32_enabled());
    CHECK(deterministic());
    set_tf32(false);
    set_deterministic(false);
    CHECK_FALSE(tf32_enabled());
}

TEST_CASE("IndexBuffer on the CPU; layers with labels and argmax in IndexBuffers") {
    IndexBuffer b = IndexBuffer::from_vector({3, -1, 7}, Device::CPU);
    CHECK(b.size() == 3);
    CHECK(b.to_vector() == std::vector<int>{3, -1, 7});
    CHECK_THROWS_AS(b.copy_from({1, 2}), std::invalid_argument);

    // softmax_cross_entropy with an IndexBuffer equals the std::vector overload, forward and backward.
    Tensor z1 = Tensor::from_vector({3, 4}, random_values(12, 9)).set_requires_grad(true);
    Tensor z2 = z1.clone().set_requires_grad(true);
    std::vector<int> labels = {1, 3, 0};
    Tensor l1 = softmax_cross_entropy(z1, labels);
    backward(l1);
    Tensor l2 = softmax_cross_entropy(z2, IndexBuffer::from_vector(labels, Device::CPU));
    backward(l2);
    CHECK(l1.item() == l2.item());
    CHECK(z1.grad().to_vector() == z2.grad().to_vector());
    CHECK_THROWS_AS(softmax_cross_entropy(z1, IndexBuffer::from_vector({1, 4, 0}, Device::CPU)), std::invalid_argument);
    CHECK_THROWS_AS(softmax_cross_entropy(z1, IndexBuffer::from_vector({1, 2}, Device::CPU)), std::invalid_argument);

    // MaxPool2d keeps its argmax in an IndexBuffer: the layer still routes the gradient to the maxima.
    MaxPool2d pool(2);
    Tensor x = Tensor::from_vector({1, 1, 2, 4}, {1, 5, 2, 2, 3, 4, 9, 0}).set_requires_grad(true);
    Tensor y = pool(x);
    CHECK(y.to_vector() == std::vector<float>{5, 9});
    current_tape().backward(y, Tensor::from_vector({1, 1, 1, 2}, {10, 20}));
    CHECK(x.grad().to_vector() == std::vector<float>{0, 10, 0, 0, 0, 0, 20, 0});
}

TEST_CASE("cuda graph helper without a GPU: a clear error, nothing silently skipped" *
          doctest::skip(cuda_available()) *
          doctest::description("a GPU is present: the GPU path is tested in test_cuda_ops.cpp")) {
    int calls = 0;
    CudaGraphStep graph([&] { calls++; });
    CHECK_THROWS(graph.capture());
    CHECK_FALSE(graph.captured());
    CHECK_THROWS(graph.replay());
    CHECK(calls == 0);
}

namespace {
// Runs fn with stderr redirected to a temporary file; returns what it wrote.
template <class F> std::string capture_stderr(F fn) {
    std::fflush(stderr);
    std::FILE* tmp = std::tmpfile();
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    fn();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    std::string out;
    std::rewind(tmp);
    for (int c; (c = std::fgetc(tmp)) != EOF;) out += (char)c;
    std::fclose(tmp);
    return out;
}
}  // namespace

TEST_CASE("--device without a GPU: auto falls back to the CPU with one line, cuda is a clear error" *
          doctest::skip(cuda_available()) *
          doctest::description("a GPU is present: the GPU side is tested in tests/cuda/test_cuda_ops.cpp")) {
    Device d = Device::CUDA;
    std::string said = capture_stderr([&] { d = choose_device("auto"); });
    CHECK(d == Device::CPU);
    CHECK(std::count(said.begin(), said.end(), '\n') == 1);
    CHECK(said.find("cpu") != std::string::npos);
    CHECK(capture_stderr([&] { d = choose_device("cpu"); }).empty());
    CHECK_THROWS_WITH_AS(choose_device("cuda"), doctest::Contains("--device cuda"), std::runtime_error);
    CHECK_THROWS_AS(choose_device("gpu"), std::invalid_argument);
}

TEST_CASE("cuda cuDNN fallback: only 'this algorithm cannot run this problem' tries the next algorithm") {
    using melgrad::cuda::classify_cudnn_status;
    using melgrad::cuda::CudnnFailure;
    using melgrad::cuda::fallback_decision;
    for (int st : {3000, 3001, 3002, 3003, 3004, 3010, 3011, 3012}) {  // shape, layout, padding, shared memory...
        CAPTURE(st);
        CHECK(classify_cudnn_status(st) == CudnnFailure::AlgorithmCannotRun);
        CHECK(fallback_decision(st, false, false).try_next);
        CHECK_FALSE(fallback_decision(st, /*last=*/true, false).try_next);       // none left
        CHECK_FALSE(fallback_decision(st, false, /*capturing=*/true).try_next);  // a graph's choice is fixed
    }
    // incompatible driver / CUDA runtime, architecture mismatch, missing prerequisite or sub-library, and
    // the 1xxx library states: the same for every algorithm, so stop at once and say it is the machine
    for (int st : {3005, 3006, 3007, 3008, 3009, 1001, 1002, 1005, 1008}) {
        CAPTURE(st);
        CHECK(classify_cudnn_status(st) == CudnnFailure::Environment);
        const auto d = fallback_decision(st, false, false);
        CHECK_FALSE(d.try_next);
        CHECK(std::string(d.why).find("installation or the machine") != std::string::npos);
    }
    for (int st : {2000, 2002, 3013, 3014, 4000, 4004, 5000, 5001, 3999, 42}) {  // bad parameter, internal, execution
        CAPTURE(st);
        CHECK(classify_cudnn_status(st) == CudnnFailure::Other);
        CHECK_FALSE(fallback_decision(st, false, false).try_next);
    }
}
