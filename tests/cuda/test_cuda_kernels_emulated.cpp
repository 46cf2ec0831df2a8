// Our CUDA kernels - the code in framework/*/NAME_kernels.cuh, not a copy - run on the CPU kernel emulator
// (tests/cuda/kernel_emulator.h) and compared with the CPU layers, on every machine, GPU or not.
//
// Each launch below is written as the .cu file next to the kernel writes it (same grid, same block, same
// order of kernels); the GPU tests (tests/cuda/test_cuda_ops.cpp) then check the real launches on a GPU.
// Every kernel runs twice, threads and blocks in forward and in reverse order, and must give the same bits
// both times (a result that depends on scheduling is a race); every output buffer has a guard zone after
// its end that must come back untouched (a missing bounds check writes there).
#include "tests/cuda/kernel_emulator.h"  // first: the CUDA built-ins the kernel headers use

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/cuda/bias_kernels.cuh"
#include "framework/cuda/fill_kernels.cuh"
#include "framework/layers/batchnorm2d_kernels.cuh"
#include "framework/layers/dropout_kernels.cuh"
#include "framework/layers/elementwise_kernels.cuh"
#include "framework/layers/gru_kernels.cuh"
#include "framework/layers/leaky_relu_kernels.cuh"
#include "framework/layers/pool2d_kernels.cuh"
#include "framework/layers/relu_kernels.cuh"
#include "framework/layers/softmax_cross_entropy_kernels.cuh"
#include "framework/layers/to_sequence_kernels.cuh"
#include "framework/optim/adam_kernels.cuh"
#include "framework/optim/sgd_kernels.cuh"
#include "framework/backend.h"
#include "framework/cuda/launch_shape.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/dropout.h"
#include "framework/layers/elementwise.h"
#include "framework/layers/gru.h"
#include "framework/layers/leaky_relu.h"
#include "framework/layers/linear.h"
#include "framework/layers/pool2d.h"
#include "framework/layers/relu.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/layers/to_sequence.h"
#include "framework/optim/adam.h"
#include "framework/optim/sgd.h"
#include "framework/rng.h"
#include "tests/cuda/cpu_test_inputs.h"

using namespace melgrad;
using namespace melgrad::cuda;
using namespace melgrad::cuda_test;
using melgrad::kernel_emulator::launch;
using melgrad::kernel_emulator::Order;

namespace {

constexpr Order kOrders[] = {Order::Forward, Order::Reverse};
constexpr size_t kGuard = 256;  // a whole block of threads past the end

// n values followed by a guard zone of kGuard elements with a byte pattern no kernel writes.
template <class T>
class Guarded {
public:
    explicit Guarded(std::vector<T> values) : n_(values.size()), data_(std::move(values)) {
        data_.resize(n_ + kGuard);
        std::memset((void*)(data_.data() + n_), kPattern, kGuard * sizeof(T));
    }
    T* data() { return data_.data(); }
    std::vector<T> values() const { return std::vector<T>(data_.begin(), data_.begin() + n_); }
    bool guard_intact() const {
        const unsigned char* b = reinterpret_cast<const unsigned char*>(data_.data() + n_);
        for (size_t i = 0; i < kGuard * sizeof(T); i++)
            if (b[i] != kPattern) return false;
        return true;
    }

private:
    static constexpr unsigned char kPattern = 0xA5;
    size_t n_;
    std::vector<T> data_;
};

template <class T>
std::vector<T> zeros(size_t n) {
    return std::vector<T>(n);
}
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}
// max |a - b| / (1 + |b|): relative for large values, absolute near zero.
double max_rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    double m = 0;
    for (size_t i = 0; i < a.size(); i++) m = std::fmax(m, std::fabs((double)a[i] - b[i]) / (1.0 + std::fabs(b[i])));
    return m;
}
// A result that may differ from the CPU's by rounding (another order of additions) must still be close to
// it, and the same bits in every thread order: the first run of each name is kept and the others compared.
class OrderRecord {
public:
    void check_close(const std::string& name, const std::vector<float>& got, const std::vector<float>& cpu,
                     double tolerance) {
        CHECK_MESSAGE(max_rel_diff(got, cpu) <= tolerance, name << " differs from the CPU");
        auto [it, first] = runs_.emplace(name, got);
        if (!first) CHECK_MESSAGE(same_bits(got, it->second), name << " differs between thread orders");
    }

private:
    std::map<std::string, std::vector<float>> runs_;
};

}  // namespace

TEST_CASE("kernel emulator: barriers order the threads of a block, and a barrier skipped by some is an error") {
    // Thread t writes slot t, waits, then reads its neighbour's slot: right only if the barrier holds every
    // thread until all have written.
    std::vector<int> out(64, -1);
    struct Kernel {
        static void run(int* out) {
            __shared__ int slot[64];
            slot[threadIdx.x] = (int)threadIdx.x * 10;
            __syncthreads();
            out[threadIdx.x] = slot[(threadIdx.x + 1) % 64];
        }
    };
    for (Order order : kOrders) {
        std::fill(out.begin(), out.end(), -1);
        launch(order, 1, 64, Kernel::run, out.data());
        for (int t = 0; t < 64; t++) CHECK(out[t] == ((t + 1) % 64) * 10);
    }
    struct Divergent {
        static void run() {
            if (threadIdx.x % 2 == 0) return;
            __syncthreads();
        }
    };
    CHECK_THROWS_AS(launch(Order::Forward, 2, 32, Divergent::run), std::logic_error);
    CHECK_THROWS_AS(launch(Order::Forward, 0, 32, Divergent::run), std::logic_error);
    CHECK_THROWS_AS(launch(Order::Forward, 1, 2048, Divergent::run), std::logic_error);
    CHECK_THROWS_AS(__syncthreads(), std::logic_error);  // outside any launch
    // 2-D grids and blocks: every (block, thread) runs once, with its coordinates.
    std::vector<int> seen(3 * 2 * 4 * 5, 0);
    struct Coordinates {
        static void run(int* seen) {
            unsigned block = blockIdx.y * gridDim.x + blockIdx.x, thread = threadIdx.y * blockDim.x + threadIdx.x;
            seen[block * blockDim.x * blockDim.y + thread] += 1;
        }
    };
    launch(Order::Reverse, dim3(3, 2), dim3(4, 5), Coordinates::run, seen.data());
    for (int s : seen) CHECK(s == 1);
}

TEST_CASE("emulated CUDA kernels: LeakyReLU gives the CPU's bits, forward and backward") {
    for (size_t n : {(size_t)1, (size_t)257, (size_t)1000}) {
        CAPTURE(n);
        const std::vector<float> x = random_values(n, 11 + n), dy = random_values(n, 12 + n),
                                 dx0 = random_values(n, 13 + n);
        for (float slope : {0.01f, -0.3f}) {
            std::vector<float> want(n), want_dx(n);
            leaky_relu_forward_cpu(x.data(), want.data(), n, slope);
            for (Order order : kOrders) {
                Guarded<float> y(zeros<float>(n));
                launch(order, blocks_for(n), kThreads, kernels::leaky_relu_forward_kernel, x.data(), y.data(), n,
                       slope);
                CHECK(same_bits(y.values(), want));
                CHECK(y.guard_intact());
                for (bool accumulate : {false, true}) {
                    Guarded<float> dx(dx0);
                    launch(order, blocks_for(n), kThreads, kernels::leaky_relu_backward_kernel, x.data(), dy.data(),
                           dx.data(), n, slope, accumulate);
                    want_dx = dx0;
                    leaky_relu_backward_cpu(x.data(), dy.data(), want_dx.data(), n, slope, accumulate);
                    CHECK(same_bits(dx.values(), want_dx));
                    CHECK(dx.guard_intact());
                }
            }
        }
    }
}

TEST_CASE("emulated CUDA kernels: fill, ReLU, add_into and dropout give the CPU's bits") {
    for (size_t n : {(size_t)1, (size_t)255, (size_t)256, (size_t)1000}) {
        CAPTURE(n);
        const std::vector<float> x = random_values(n, 1 + n), dy = random_values(n, 2 + n),
                                 dx0 = random_values(n, 3 + n);
        std::vector<float> want(n), want_dx(n), want_mask(n);
        for (Order order : kOrders) {
            Guarded<float> filled(x);
            launch(order, blocks_for(n), kThreads, kernels::fill_kernel, filled.data(), -2.5f, n);
            CHECK(filled.values() == std::vector<float>(n, -2.5f));
            CHECK(filled.guard_intact());

            Guarded<float> y(zeros<float>(n));
            launch(order, blocks_for(n), kThreads, kernels::relu_forward_kernel, x.data(), y.data(), n);
            relu_forward_cpu(x.data(), want.data(), n);
            CHECK(same_bits(y.values(), want));
            CHECK(y.guard_intact());

            for (bool accumulate : {false, true}) {
                Guarded<float> dx(dx0);
                launch(order, blocks_for(n), kThreads, kernels::relu_backward_kernel, (const float*)want.data(),
                       dy.data(), dx.data(), n, accumulate);
                want_dx = dx0;
                relu_backward_cpu(want.data(), dy.data(), want_dx.data(), n, accumulate);
                CHECK(same_bits(dx.values(), want_dx));
                CHECK(dx.guard_intact());
            }

            Guarded<float> sum(dx0);
            launch(order, blocks_for(n), kThreads, kernels::add_into_kernel, sum.data(), x.data(), n);
            want_dx = dx0;
            add_into_cpu(want_dx.data(), x.data(), n);
            CHECK(same_bits(sum.values(), want_dx));
            CHECK(sum.guard_intact());

            // Dropout: eager (no replay counter) is the CPU's draw for the same stream; inside a captured
            // graph the stream is mixed with the replay counter first (framework/cuda/graph.h).
            const float p = 0.3f, scale = 1.0f / (1.0f - p);
            const uint64_t stream = 0x1234 + n, replay = 7;
            for (const uint64_t* counter : {(const uint64_t*)nullptr, &replay}) {
                Guarded<float> out(zeros<float>(n)), mask(zeros<float>(n));
                launch(order, blocks_for(n), kThreads, kernels::dropout_forward_kernel, x.data(), out.data(),
                       mask.data(), n, p, scale, stream, counter, (uint64_t)11);  // from element 11 (a rank's shard)
                const uint64_t cpu_stream = counter ? splitmix64_mix(stream ^ splitmix64_mix(replay)) : stream;
                dropout_forward_cpu(x.data(), want.data(), want_mask.data(), n, p, cpu_stream, 11);
                CHECK(same_bits(out.values(), want));
                CHECK(same_bits(mask.values(), want_mask));
                CHECK((out.guard_intact() && mask.guard_intact()));
            }
            Guarded<float> ddx(dx0);
            launch(order, blocks_for(n), kThreads, kernels::dropout_backward_kernel, dy.data(),
                   (const float*)want_mask.data(), ddx.data(), n);
            want_dx = dx0;
            dropout_backward_cpu(dy.data(), want_mask.data(), want_dx.data(), n);
            CHECK(same_bits(ddx.values(), want_dx));
            CHECK(ddx.guard_intact());
        }
    }
}

TEST_CASE("emulated CUDA kernels: max and average pooling against the CPU, overlapping windows and ties") {
    struct Case {
        int N, C, H, W, k, s;
    };
    for (Case c : {Case{2, 3, 8, 8, 2, 2}, Case{1, 2, 9, 7, 3, 2}, Case{2, 1, 6, 5, 3, 1}, Case{3, 2, 5, 9, 2, 3}}) {
        CAPTURE(c.H);
        CAPTURE(c.k);
        CAPTURE(c.s);
        const Pool2dGeometry g = pool_geometry_for(c.N, c.C, c.H, c.W, c.k, c.s);
        const size_t in = (size_t)g.N * g.C * g.H * g.W, out = (size_t)g.N * g.C * g.P * g.Q;
        const std::vector<float> x = random_small_ints(in, 11 + in), dy = random_values(out, 12 + out),
                                 dx0 = random_values(in, 13 + in);
        std::vector<float> want_y(out), want_dx(in);
        std::vector<int32_t> want_argmax(out);
        maxpool2d_forward_cpu(x.data(), want_y.data(), want_argmax.data(), g);
        OrderRecord record;
        for (Order order : kOrders) {
            Guarded<float> y(zeros<float>(out));
            Guarded<int32_t> argmax(zeros<int32_t>(out));
            launch(order, blocks_for(out), kThreads, kernels::maxpool_forward_kernel, x.data(), y.data(),
                   argmax.data(), g, out);
            CHECK(same_bits(y.values(), want_y));
            CHECK(argmax.values() == want_argmax);  // the first maximum wins ties, as on the CPU
            CHECK((y.guard_intact() && argmax.guard_intact()));

            // Backward gathers per input what the CPU scatters per output, in the same (p, q) order, so a
            // fresh dx has the CPU's bits; accumulating adds the gathered sum at once (rounding differs).
            for (bool accumulate : {false, true}) {
                Guarded<float> dx(dx0);
                launch(order, blocks_for(in), kThreads, kernels::maxpool_backward_kernel, dy.data(),
                       (const int32_t*)want_argmax.data(), dx.data(), g, in, accumulate);
                want_dx = dx0;
                maxpool2d_backward_cpu(dy.data(), want_argmax.data(), want_dx.data(), g, accumulate);
                if (accumulate) record.check_close("maxpool dx (accumulated)", dx.values(), want_dx, 1e-6);
                else CHECK(same_bits(dx.values(), want_dx));
                CHECK(dx.guard_intact());
            }

            Guarded<float> avg(zeros<float>(out));
            launch(order, blocks_for(out), kThreads, kernels::avgpool_forward_kernel, x.data(), avg.data(), g, out);
            std::vector<float> want_avg(out);
            avgpool2d_forward_cpu(x.data(), want_avg.data(), g);
            CHECK(same_bits(avg.values(), want_avg));
            CHECK(avg.guard_intact());

            Guarded<float> adx(dx0);
            launch(order, blocks_for(in), kThreads, kernels::avgpool_backward_kernel, dy.data(), adx.data(), g, in);
            want_dx = dx0;
            avgpool2d_backward_cpu(dy.data(), want_dx.data(), g);
            record.check_close("avgpool dx", adx.values(), want_dx, 1e-6);
            CHECK(adx.guard_intact());
        }
    }
}

TEST_CASE("emulated CUDA kernels: softmax cross-entropy, more rows than threads, and a bad label gives NaN") {
    struct Case {
        int N, C;
    };
    for (Case c : {Case{1, 10}, Case{32, 10}, Case{300, 3}}) {
        CAPTURE(c.N);
        const size_t n = (size_t)c.N * c.C;
        const std::vector<float> logits = random_values(n, 21 + n, -5.0f, 5.0f), dlogits0 = random_values(n, 22);
        std::vector<int> labels(c.N);
        for (int i = 0; i < c.N; i++) labels[i] = (i * 7) % c.C;
        std::vector<float> want_probs(n), want_dlogits;
        float want_loss = 0;
        softmax_cross_entropy_forward_cpu(logits.data(), labels.data(), want_probs.data(), &want_loss, c.N, c.C);
        const float dloss = 0.75f;
        for (Order order : kOrders) {
            Guarded<float> probs(zeros<float>(n)), loss(zeros<float>(1));
            Guarded<double> row_loss(zeros<double>(c.N));
            launch(order, 1, kThreads, kernels::softmax_ce_forward_kernel, logits.data(), (const int*)labels.data(),
                   probs.data(), loss.data(), row_loss.data(), c.N, c.C);
            CHECK(same_bits(probs.values(), want_probs));
            CHECK(loss.values()[0] == want_loss);  // rows added in row order, in double, as on the CPU
            CHECK((probs.guard_intact() && loss.guard_intact() && row_loss.guard_intact()));

            want_dlogits = dlogits0;
            softmax_cross_entropy_backward_cpu(want_probs.data(), labels.data(), dloss, want_dlogits.data(), c.N,
                                               c.C);
            Guarded<float> from_device(dlogits0), dloss_device(std::vector<float>{dloss});
            launch(order, blocks_for(n), kThreads, kernels::softmax_ce_backward_kernel, (const float*)want_probs.data(),
                   (const int*)labels.data(), (const float*)dloss_device.data(), from_device.data(), c.N, c.C);
            CHECK(same_bits(from_device.values(), want_dlogits));
            CHECK(from_device.guard_intact());
        }
    }
    std::vector<float> logits = random_values(20, 23), probs(20), loss(1);
    std::vector<double> row_loss(2);
    std::vector<int> labels = {3, 10};  // 10 is outside [0, 10)
    launch(Order::Forward, 1, kThreads, kernels::softmax_ce_forward_kernel, logits.data(), (const int*)labels.data(),
           probs.data(), loss.data(), row_loss.data(), 2, 10);
    CHECK(std::isnan(loss[0]));
}

namespace {
// The launches of the channel sums (framework/cuda/channel_reduce.cuh, bias.cu, batchnorm2d.cu), on the emulator.
template <class Term>
void emulate_channel_partials(Order order, Term term, int N, int C, int HW, int splits, double2* partials) {
    launch(order, dim3((unsigned)C, (unsigned)splits), kReduceThreads, kernels::channel_partials<Term>, term, C, HW,
           (size_t)N * HW, splits, partials);
}
unsigned channel_blocks(int C) { return blocks_for((size_t)C); }
}  // namespace

TEST_CASE("emulated CUDA kernels: per-channel sums over one, several and the most splits (bias gradient)") {
    struct Case {
        int N, C, HW;
    };
    // m = N*HW of 1, 12, 5000 (2 splits), 600000 (capped at kMaxSplits), and C above one block of finalize.
    for (Case c : {Case{1, 3, 1}, Case{4, 5, 3}, Case{5, 2, 1000}, Case{1, 1, 600000}, Case{2, 300, 1}}) {
        CAPTURE(c.N);
        CAPTURE(c.C);
        CAPTURE(c.HW);
        const size_t m = (size_t)c.N * c.HW, n = m * c.C;
        const int splits = reduction_splits(m);
        const std::vector<float> x = random_values(n, 31 + n), out0 = random_values(c.C, 32);
        std::vector<double> want(c.C);
        for (int ch = 0; ch < c.C; ch++)
            for (size_t j = 0; j < m; j++) want[ch] += x[channel_offset(j, ch, c.C, c.HW)];
        std::vector<float> first;
        for (Order order : kOrders) {
            Guarded<double2> partials(zeros<double2>((size_t)c.C * splits));
            Guarded<float> out(out0);
            emulate_channel_partials(order, kernels::SumTerm{x.data()}, c.N, c.C, c.HW, splits, partials.data());
            launch(order, channel_blocks(c.C), kThreads, kernels::finalize_sum_add, (const double2*)partials.data(),
                   splits, c.C, out.data());
            for (int ch = 0; ch < c.C; ch++) CHECK(std::fabs(out.values()[ch] - (out0[ch] + want[ch])) <= 1e-5);
            CHECK((partials.guard_intact() && out.guard_intact()));
            if (first.empty()) first = out.values();
            else CHECK(same_bits(out.values(), first));  // a fixed-shape tree: the same bits in any order
        }
    }
}

TEST_CASE("emulated CUDA kernels: bias add, overwrite and accumulate") {
    const int N = 3, K = 4, PQ = 7;
    const size_t n = (size_t)N * K * PQ;
    const std::vector<float> b = random_values(K, 41), y0 = random_values(n, 42);
    for (Order order : kOrders)
        for (bool accumulate : {false, true}) {
            Guarded<float> y(y0);
            launch(order, blocks_for(n), kThreads, kernels::bias_apply_kernel, y.data(), b.data(), K, PQ, n,
                   accumulate);
            std::vector<float> got = y.values();
            for (size_t i = 0; i < n; i++) {
                float bias = b[(i / PQ) % K];
                CHECK(got[i] == (accumulate ? y0[i] + bias : bias));
            }
            CHECK(y.guard_intact());
        }
}

namespace {
// One BatchNorm2d problem: its inputs, and the CPU layer's answers that the emulated launches must give.
struct BatchNormProblem {
    int N, C, HW;
    size_t m, n;  // values per channel, values in all
    int splits;
    float eps = 1e-5f, momentum = 0.1f;
    std::vector<float> x, dy, gamma, beta, dx0, running_mean0, running_var0;
    // CPU reference: train forward (y, saved mean and invstd, updated running statistics) and eval forward.
    std::vector<float> y_cpu, mean_cpu, invstd_cpu, rm_cpu, rv_cpu, y_eval_cpu, mean_eval_cpu, invstd_eval_cpu;

    BatchNormProblem(int N_, int C_, int HW_)
        : N(N_), C(C_), HW(HW_), m((size_t)N_ * HW_), n(m * C_), splits(reduction_splits(m)),
          x(random_values(n, 51 + n, -2.0f, 3.0f)), dy(random_values(n, 52 + n)),
          gamma(random_values(C, 53, 0.5f, 1.5f)), beta(random_values(C, 54)), dx0(random_values(n, 55 + n)),
          running_mean0(random_values(C, 56)), running_var0(random_values(C, 57, 0.5f, 2.f)), y_cpu(n),
          mean_cpu(C), invstd_cpu(C), rm_cpu(running_mean0), rv_cpu(running_var0), y_eval_cpu(n),
          mean_eval_cpu(C), invstd_eval_cpu(C) {
        batchnorm2d_forward_train_cpu(x.data(), gamma.data(), beta.data(), y_cpu.data(), mean_cpu.data(),
                                      invstd_cpu.data(), rm_cpu.data(), rv_cpu.data(), N, C, HW, eps, momentum);
        batchnorm2d_forward_eval_cpu(x.data(), gamma.data(), beta.data(), running_mean0.data(), running_var0.data(),
                                     y_eval_cpu.data(), mean_eval_cpu.data(), invstd_eval_cpu.data(), N, C, HW, eps);
    }
};

// Train forward: the five launches of batchnorm2d_forward_train.
void emulate_batchnorm_train(Order order, const BatchNormProblem& p, Guarded<double2>& partials,
                             OrderRecord& record) {
    const int N = p.N, C = p.C, HW = p.HW, splits = p.splits;
    Guarded<double> mean(zeros<double>(C));
    Guarded<float> y(zeros<float>(p.n)), save_mean(zeros<float>(C)), save_invstd(zeros<float>(C)),
        rm(p.running_mean0), rv(p.running_var0), scale(zeros<float>(C)), shift(zeros<float>(C));
    emulate_channel_partials(order, kernels::SumTerm{p.x.data()}, N, C, HW, splits, partials.data());
    launch(order, channel_blocks(C), kThreads, kernels::finalize_mean, (const double2*)partials.data(), splits, C,
           (double)p.m, mean.data());
    emulate_channel_partials(order, kernels::SquaredDeviationTerm{p.x.data(), mean.data()}, N, C, HW, splits,
                             partials.data());
    launch(order, channel_blocks(C), kThreads, kernels::finalize_train, (const double2*)partials.data(), splits, C,
           (double)p.m, (const double*)mean.data(), p.gamma.data(), p.beta.data(), p.eps, p.momentum,
           save_mean.data(), save_invstd.data(), rm.data(), rv.data(), scale.data(), shift.data());
    launch(order, blocks_for(p.n), kThreads, kernels::apply_affine, p.x.data(), y.data(), (const float*)scale.data(),
           (const float*)shift.data(), C, HW, p.n);
    record.check_close("train y", y.values(), p.y_cpu, 1e-5);
    record.check_close("train save_mean", save_mean.values(), p.mean_cpu, 1e-6);
    record.check_close("train save_invstd", save_invstd.values(), p.invstd_cpu, 1e-6);
    record.check_close("train rm", rm.values(), p.rm_cpu, 1e-6);
    record.check_close("train rv", rv.values(), p.rv_cpu, 1e-6);
    CHECK((partials.guard_intact() && mean.guard_intact() && y.guard_intact() && save_mean.guard_intact() &&
           save_invstd.guard_intact() && rm.guard_intact() && rv.guard_intact()));
}

// Eval forward: finalize_eval + apply_affine, from the running statistics.
void emulate_batchnorm_eval(Order order, const BatchNormProblem& p, OrderRecord& record) {
    const int C = p.C;
    Guarded<float> y_eval(zeros<float>(p.n)), mean_eval(zeros<float>(C)), invstd_eval(zeros<float>(C)),
        scale(zeros<float>(C)), shift(zeros<float>(C));
    launch(order, channel_blocks(C), kThreads, kernels::finalize_eval, C, p.gamma.data(), p.beta.data(),
           p.running_mean0.data(), p.running_var0.data(), p.eps, mean_eval.data(), invstd_eval.data(), scale.data(),
           shift.data());
    launch(order, blocks_for(p.n), kThreads, kernels::apply_affine, p.x.data(), y_eval.data(),
           (const float*)scale.data(), (const float*)shift.data(), C, p.HW, p.n);
    record.check_close("eval y", y_eval.values(), p.y_eval_cpu, 1e-6);
    CHECK(same_bits(invstd_eval.values(), p.invstd_eval_cpu));
    CHECK(y_eval.guard_intact());
}

// Backward (batchnorm2d_backward) in one mode, into a fresh or an accumulated dx.
void emulate_batchnorm_backward(Order order, const BatchNormProblem& p, bool training, bool accumulate,
                                Guarded<double2>& partials, OrderRecord& record) {
    CAPTURE(training);
    CAPTURE(accumulate);
    const int N = p.N, C = p.C, HW = p.HW;
    const std::vector<float>& mean_used = training ? p.mean_cpu : p.mean_eval_cpu;
    const std::vector<float>& invstd_used = training ? p.invstd_cpu : p.invstd_eval_cpu;
    std::vector<float> dx_cpu = p.dx0, dgamma_cpu = p.beta, dbeta_cpu = p.gamma;  // grads accumulate
    batchnorm2d_backward_cpu(p.x.data(), p.gamma.data(), mean_used.data(), invstd_used.data(), p.dy.data(),
                             dx_cpu.data(), dgamma_cpu.data(), dbeta_cpu.data(), N, C, HW, training, accumulate);
    Guarded<float> dx(p.dx0), dgamma(p.beta), dbeta(p.gamma), k(zeros<float>(C)), mean_dy(zeros<float>(C)),
        mean_dy_xhat(zeros<float>(C));
    emulate_channel_partials(order, kernels::BackwardTerm{p.x.data(), p.dy.data(), mean_used.data(), invstd_used.data()},
                             N, C, HW, p.splits, partials.data());
    launch(order, channel_blocks(C), kThreads, kernels::finalize_backward, (const double2*)partials.data(), p.splits,
           C, (double)p.m, training, p.gamma.data(), invstd_used.data(), dgamma.data(), dbeta.data(), k.data(),
           mean_dy.data(), mean_dy_xhat.data());
    launch(order, blocks_for(p.n), kThreads, kernels::input_grad, p.x.data(), p.dy.data(), mean_used.data(),
           invstd_used.data(), (const float*)k.data(), (const float*)mean_dy.data(),
           (const float*)mean_dy_xhat.data(), dx.data(), C, HW, p.n, accumulate);
    const std::string mode = std::string(training ? "train" : "eval") + (accumulate ? ", accumulated" : ", fresh");
    record.check_close("dx " + mode, dx.values(), dx_cpu, 1e-5);
    record.check_close("dgamma " + mode, dgamma.values(), dgamma_cpu, 1e-5);
    record.check_close("dbeta " + mode, dbeta.values(), dbeta_cpu, 1e-5);
    CHECK((dx.guard_intact() && dgamma.guard_intact() && dbeta.guard_intact() && mean_dy_xhat.guard_intact()));
}
}  // namespace

TEST_CASE("emulated CUDA kernels: BatchNorm2d train, eval and backward against the CPU") {
    struct Case {
        int N, C, HW;
    };
    for (Case c : {Case{2, 3, 5}, Case{5, 2, 1000}, Case{1, 4, 1}}) {
        CAPTURE(c.N);
        CAPTURE(c.C);
        CAPTURE(c.HW);
        const BatchNormProblem problem(c.N, c.C, c.HW);
        OrderRecord record;
        for (Order order : kOrders) {
            Guarded<double2> partials(zeros<double2>((size_t)c.C * problem.splits));
            emulate_batchnorm_train(order, problem, partials, record);
            emulate_batchnorm_eval(order, problem, record);
            for (bool training : {true, false})
                for (bool accumulate : {false, true})
                    emulate_batchnorm_backward(order, problem, training, accumulate, partials, record);
        }
    }
}

TEST_CASE("emulated CUDA kernels: fused SGD and Adam(W) updates give the CPU's bits") {
    const size_t n = 777;
    const std::vector<float> param0 = random_values(n, 61), grad = random_values(n, 62),
                             state0 = random_values(n, 63), state_sq0 = random_values(n, 64, 0.0f, 0.01f);
    const SgdScalars sgd_cases[] = {
        {-0.1f, 0.0f, 1.0f, 0.0f, false, false},   // plain SGD
        {-0.05f, 0.9f, 1.0f, 1e-4f, false, true},  // momentum, first step: buffer = d
        {-0.05f, 0.9f, 0.8f, 1e-4f, false, false}, // momentum with dampening
        {-0.05f, 0.9f, 1.0f, 0.0f, true, false},   // Nesterov
    };
    for (const SgdScalars& s : sgd_cases)
        for (Order order : kOrders) {
            Guarded<float> param(param0), buf(state0);
            std::vector<float> want_param = param0, want_buf = state0;
            launch(order, blocks_for(n), kThreads, kernels::sgd_kernel, param.data(), grad.data(), buf.data(), n, s);
            sgd_update_cpu(want_param.data(), grad.data(), want_buf.data(), n, s);
            CHECK(same_bits(param.values(), want_param));
            CHECK(same_bits(buf.values(), want_buf));
            CHECK((param.guard_intact() && buf.guard_intact()));
        }
    const float lr = 1e-3f, wd = 1e-2f;
    const int t = 3;
    const double bc1 = 1 - std::pow(0.9, t), bc2 = 1 - std::pow(0.999, t);
    const AdamScalars adam = {0.9f, 0.1f, 0.999f, (float)(1 - 0.999), 1e-8f, wd, 1.0f, false,
                              (float)(-lr / bc1), (float)std::sqrt(bc2)};
    AdamScalars adamw = adam;
    adamw.l2_weight_decay = 0.0f;
    adamw.decoupled = true;
    adamw.decoupled_decay_factor = (float)(1.0 - (double)lr * wd);
    for (const AdamScalars& s : {adam, adamw})
        for (Order order : kOrders) {
            Guarded<float> param(param0), m(state0), v(state_sq0);
            std::vector<float> want_param = param0, want_m = state0, want_v = state_sq0;
            launch(order, blocks_for(n), kThreads, kernels::adam_kernel, param.data(), grad.data(), m.data(), v.data(),
                   n, s);
            adam_update_cpu(want_param.data(), grad.data(), want_m.data(), want_v.data(), n, s);
            CHECK(same_bits(param.values(), want_param));
            CHECK(same_bits(m.values(), want_m));
            CHECK(same_bits(v.values(), want_v));
            CHECK((param.guard_intact() && m.guard_intact() && v.guard_intact()));
        }
}

namespace {
// framework/layers/gru.cu's gru_forward and gru_backward on the emulator, with the CPU's reference Linear
// standing in for cuBLAS (the GPU tests check the real thing).
void emulated_gru_forward(Order order, const float* x, const float* w_ih, const float* w_hh, const float* b_ih,
                          const float* b_hh, float* gi, float* hs, float* gates, int N, int T, int I, int H) {
    const int G = 3 * H;
    const size_t cells = (size_t)N * H;
    linear_forward_reference(x, w_ih, b_ih, gi, N * T, I, G);
    std::fill(hs, hs + cells, 0.0f);
    Guarded<float> gh(zeros<float>(cells * 3));
    for (int t = 0; t < T; t++) {
        const float* h_prev = hs + (size_t)t * cells;
        linear_forward_reference(h_prev, w_hh, b_hh, gh.data(), N, H, G);
        launch(order, blocks_for(cells), kThreads, kernels::gru_gates_forward_kernel, (const float*)gi,
               (const float*)gh.data(), h_prev, hs + (size_t)(t + 1) * cells, gates + (size_t)t * cells * 4, N, T, H,
               t);
    }
}
void emulated_gru_backward(Order order, const float* x, const float* w_ih, const float* w_hh, const float* hs,
                           const float* gates, const float* dy, bool sequence, float* dx, float* dw_ih, float* dw_hh,
                           float* db_ih, float* db_hh, int N, int T, int I, int H) {
    const int G = 3 * H;
    const size_t cells = (size_t)N * H;
    Guarded<float> dgi(zeros<float>(cells * T * 3)), dh_a(zeros<float>(cells)), dh_b(zeros<float>(cells)),
        dgh(zeros<float>(cells * 3));
    float* dh = dh_a.data();
    float* dh_prev = dh_b.data();
    if (!sequence) std::copy(dy, dy + cells, dh);
    for (int t = T - 1; t >= 0; t--) {
        const float* h_prev = hs + (size_t)t * cells;
        launch(order, blocks_for(cells), kThreads, kernels::gru_gates_backward_kernel, gates + (size_t)t * cells * 4,
               h_prev, dy, sequence, (const float*)dh, dh_prev, dgi.data(), dgh.data(), N, T, H, t);
        linear_backward_reference(h_prev, w_hh, dgh.data(), t > 0 ? dh_prev : nullptr, dw_hh, db_hh, N, H, G);
        std::swap(dh, dh_prev);
    }
    linear_backward_reference(x, w_ih, dgi.data(), dx, dw_ih, db_ih, N * T, I, G);
    CHECK((dgi.guard_intact() && dh_a.guard_intact() && dh_b.guard_intact() && dgh.guard_intact()));
}
}  // namespace

TEST_CASE("emulated CUDA kernels: GRU forward, output and backpropagation through time give the CPU's bits") {
    struct Case {
        int N, T, I, H;
    };
    for (Case c : {Case{3, 5, 12, 7}, Case{2, 1, 9, 40}, Case{1, 4, 3, 300}}) {
        CAPTURE(c.N);
        CAPTURE(c.T);
        CAPTURE(c.H);
        const int N = c.N, T = c.T, I = c.I, H = c.H, G = 3 * H;
        const size_t cells = (size_t)N * H;
        const std::vector<float> x = random_values((size_t)N * T * I, 71), w_ih = random_values((size_t)G * I, 72),
                                 w_hh = random_values((size_t)G * H, 73), b_ih = random_values(G, 74),
                                 b_hh = random_values(G, 75);
        std::vector<float> gi_cpu((size_t)N * T * G), hs_cpu(cells * (T + 1)), gates_cpu(cells * T * 4);
        // The CPU GRU with its projections on the plain loops, like the stand-in above.
        gru_forward_cpu(Engine::CpuReference, x.data(), w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data(),
                        gi_cpu.data(), hs_cpu.data(), gates_cpu.data(), N, T, I, H);
        for (Order order : kOrders) {
            Guarded<float> gi(zeros<float>(gi_cpu.size())), hs(zeros<float>(hs_cpu.size())),
                gates(zeros<float>(gates_cpu.size()));
            emulated_gru_forward(order, x.data(), w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data(), gi.data(),
                                 hs.data(), gates.data(), N, T, I, H);
            CHECK(same_bits(hs.values(), hs_cpu));
            CHECK(same_bits(gates.values(), gates_cpu));
            CHECK((gi.guard_intact() && hs.guard_intact() && gates.guard_intact()));

            for (bool sequence : {false, true}) {
                CAPTURE(sequence);
                const size_t out = cells * (sequence ? T : 1);
                std::vector<float> y_cpu(out);
                gru_output_cpu(hs_cpu.data(), y_cpu.data(), sequence, N, T, H);
                Guarded<float> y(zeros<float>(out));
                launch(order, blocks_for(out), kThreads, kernels::gru_output_kernel, (const float*)hs.data(), y.data(),
                       sequence, N, T, H);
                CHECK(same_bits(y.values(), y_cpu));
                CHECK(y.guard_intact());

                // Gradients accumulate into what is there (start from non-zero values).
                const std::vector<float> dy = random_values(out, 76 + sequence), dx0 = random_values(x.size(), 77),
                                         dw_ih0 = random_values(w_ih.size(), 78),
                                         dw_hh0 = random_values(w_hh.size(), 79), db0 = random_values(G, 80);
                std::vector<float> dx_cpu = dx0, dw_ih_cpu = dw_ih0, dw_hh_cpu = dw_hh0, db_ih_cpu = db0,
                                   db_hh_cpu = db0;
                gru_backward_cpu(Engine::CpuReference, x.data(), w_ih.data(), w_hh.data(), hs_cpu.data(),
                                 gates_cpu.data(), dy.data(), sequence, dx_cpu.data(), dw_ih_cpu.data(),
                                 dw_hh_cpu.data(), db_ih_cpu.data(), db_hh_cpu.data(), N, T, I, H);
                std::vector<float> dx = dx0, dw_ih = dw_ih0, dw_hh = dw_hh0, db_ih = db0, db_hh = db0;
                emulated_gru_backward(order, x.data(), w_ih.data(), w_hh.data(), hs.data(), gates.data(), dy.data(),
                                      sequence, dx.data(), dw_ih.data(), dw_hh.data(), db_ih.data(), db_hh.data(), N, T,
                                      I, H);
                CHECK(same_bits(dx, dx_cpu));
                CHECK(same_bits(dw_ih, dw_ih_cpu));
                CHECK(same_bits(dw_hh, dw_hh_cpu));
                CHECK(same_bits(db_ih, db_ih_cpu));
                CHECK(same_bits(db_hh, db_hh_cpu));
            }
        }
    }
}

TEST_CASE("emulated CUDA kernels: ToSequence forward and backward give the CPU's bits") {
    const int N = 2, C = 3, H = 5, W = 7;
    const size_t n = (size_t)N * C * H * W;
    const std::vector<float> x = random_values(n, 81), dy = random_values(n, 82), dx0 = random_values(n, 83);
    std::vector<float> y_cpu(n), dx_cpu = dx0;
    to_sequence_forward_cpu(x.data(), y_cpu.data(), N, C, H, W);
    to_sequence_backward_cpu(dy.data(), dx_cpu.data(), N, C, H, W);
    for (Order order : kOrders) {
        Guarded<float> y(zeros<float>(n)), dx(dx0);
        launch(order, blocks_for(n), kThreads, kernels::to_sequence_forward_kernel, x.data(), y.data(), N, C, H, W);
        launch(order, blocks_for(n), kThreads, kernels::to_sequence_backward_kernel, dy.data(), dx.data(), N, C, H, W);
        CHECK(same_bits(y.values(), y_cpu));
        CHECK(same_bits(dx.values(), dx_cpu));
        CHECK((y.guard_intact() && dx.guard_intact()));
    }
}
