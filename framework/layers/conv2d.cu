// Conv2d on cuDNN. EVERY cuDNN call of melgrad is in this file, so a later move from the legacy API
// (cudnnConvolutionForward & co., deprecated in cuDNN 9 but supported) to the graph API stays local.
//
// Descriptors. x: 4-D NCHW float tensor (N, C, H, W); w: NCHW float filter (K, C, R, S); y: (N, K, P, Q);
// the convolution descriptor holds padding, stride, dilation 1 and CUDNN_CROSS_CORRELATION (what every
// DL framework calls convolution: no kernel flip, as our CPU loops). We check that cuDNN computes the
// same (P, Q) as conv2d_geometry().
//
// Algorithm choice, once per shape. For every distinct (geometry, tf32, deterministic) a ConvPlan caches
// the descriptors and the chosen forward, backward-data and backward-filter algorithms with their
// workspace sizes (framework/cuda/algo_choice.h for the rule):
//   normal mode         cudnnFind*Algorithm: cuDNN times every algorithm on this shape, fastest first;
//   deterministic mode  cudnnGet*Algorithm_v7 heuristics (running nothing, so the choice is the same in
//                       every run) and only algorithms reported CUDNN_DETERMINISTIC.
// One workspace for all convolutions, which only grows (to the largest chosen algorithm's need, at most
// kWorkspaceLimit). A replaced workspace is retired, not freed: a captured CUDA graph may still use it.
//
// Math: TF32 off (default) -> CUDNN_FMA_MATH on the descriptor: true float32 FMA kernels only.
// TF32 on -> the math type of the chosen algorithm (CUDNN_TENSOR_OP_MATH lets float32 convolutions run on
// tensor cores in TF32). We never use CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION: it also allows down-conversion
// to FP16, which is a different precision contract from TF32.
//
// Backward accumulates (beta = 1), like the CPU: dx += ..., dw += .... The bias is our kernels
// (framework/cuda/bias.h): y += b after the convolution, db += sum of dy per channel.
#include <cudnn.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "framework/cuda/algo_choice.h"
#include "framework/cuda/bias.h"
#include "framework/cuda/check.h"
#include "framework/cuda/config.h"
#include "framework/cuda/cudnn_status.h"
#include "framework/cuda/memory.h"
#include "framework/layers/conv2d.h"

#define CUDNN_CHECK(call) MELGRAD_LIBRARY_CHECK(call, CUDNN_STATUS_SUCCESS, cudnnGetErrorString)

// framework/cuda/cudnn_status.h classifies statuses by number: these are the numbers it relies on.
static_assert(CUDNN_STATUS_NOT_SUPPORTED == 3000 && CUDNN_STATUS_NOT_SUPPORTED_SHAPE == 3002 &&
                  CUDNN_STATUS_NOT_SUPPORTED_LAYOUT == 3004 && CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER == 3005 &&
                  CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH == 3007 &&
                  CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE == 3009 &&
                  CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT == 3010 &&
                  CUDNN_STATUS_NOT_SUPPORTED_BAD_LAUNCH_PARAM == 3012 && CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED == 1008,
              "cuDNN's status numbers changed: update framework/cuda/cudnn_status.h");

namespace melgrad::cuda {

namespace {

constexpr size_t kWorkspaceLimit = (size_t)512 << 20;  // 512 MiB

cudnnHandle_t handle() {
    static cudnnHandle_t h = [] {
        cudnnHandle_t created;
        CUDNN_CHECK(cudnnCreate(&created));
        CUDNN_CHECK(cudnnSetStream(created, stream()));
        return created;
    }();
    return h;
}

class Workspace {
public:
    void* get(size_t bytes) {
        if (bytes <= bytes_) return ptr_;
        if (stream_is_capturing())
            throw std::runtime_error("cuDNN workspace must grow during CUDA graph capture: run one eager step with "
                                     "the same shapes before capturing");
        size_t rounded = (bytes + ((1 << 20) - 1)) & ~(size_t)((1 << 20) - 1);  // whole MiB
        void* grown = nullptr;
        CUDA_CHECK(cudaMalloc(&grown, rounded));  // on failure the old workspace stays as it was
        if (ptr_) retired_.push_back(ptr_);       // kept: a captured graph may still point at it
        ptr_ = grown;
        bytes_ = rounded;
        return ptr_;
    }

private:
    void* ptr_ = nullptr;
    size_t bytes_ = 0;
    std::vector<void*> retired_;
};

Workspace& workspace() {
    static Workspace* w = new Workspace();  // never destroyed (see the allocator)
    return *w;
}

using ConvKey = std::tuple<int, int, int, int, int, int, int, int, int, int, int, bool, bool>;

// The usable algorithms of one direction, best first, and the one in use (current).
template <class Algo>
struct AlgoList {
    struct Entry {
        Algo algo;
        cudnnMathType_t math;
        size_t workspace;
    };
    std::vector<Entry> ranked;
    size_t current = 0;
    bool chosen() const { return !ranked.empty(); }
    const Entry& get() const { return ranked[current]; }
};

struct ConvPlan {
    cudnnTensorDescriptor_t x = nullptr, y = nullptr;
    cudnnFilterDescriptor_t w = nullptr;
    cudnnConvolutionDescriptor_t conv = nullptr;
    AlgoList<cudnnConvolutionFwdAlgo_t> fwd;
    AlgoList<cudnnConvolutionBwdDataAlgo_t> bwd_data;
    AlgoList<cudnnConvolutionBwdFilterAlgo_t> bwd_filter;
};

bool is_tensor_op(cudnnMathType_t m) { return m == CUDNN_TENSOR_OP_MATH || m == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION; }

// The cuDNN candidates -> AlgoCandidate list -> usable_algorithms -> the plan's list of usable ones.
template <class Perf, class Algo>
void choose(const std::vector<Perf>& perf, int count, bool det, bool tf32, const char* what, const Conv2dGeometry& g,
            AlgoList<Algo>& list) {
    std::vector<AlgoCandidate> c;
    for (int i = 0; i < count; i++) {
        // ALLOW_CONVERSION may compute in FP16, below even TF32's precision: never take it
        const bool usable = perf[i].status == CUDNN_STATUS_SUCCESS &&
                            perf[i].mathType != CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
        c.push_back({(int)perf[i].algo, usable, perf[i].memory, perf[i].determinism == CUDNN_DETERMINISTIC,
                     is_tensor_op(perf[i].mathType)});
    }
    const std::vector<int> usable = usable_algorithms(c, kWorkspaceLimit, det, tf32);
    if (usable.empty())
        throw std::runtime_error(std::string("cuDNN offers no usable ") + what + " algorithm for input (" +
                                 std::to_string(g.N) + ", " + std::to_string(g.C) + ", " + std::to_string(g.H) +
                                 ", " + std::to_string(g.W) + ") and weight (" + std::to_string(g.K) + ", " +
                                 std::to_string(g.C) + ", " + std::to_string(g.R) + ", " + std::to_string(g.S) +
                                 (det ? ") in deterministic mode" : ")") + (tf32 ? "" : " with TF32 off"));
    for (int i : usable) list.ranked.push_back({perf[i].algo, perf[i].mathType, perf[i].memory});
    list.current = 0;
}

// TF32 off: FMA math whatever the candidate said; on: the candidate's own math type.
void set_math(const ConvPlan& plan, cudnnMathType_t chosen) {
    CUDNN_CHECK(cudnnSetConvolutionMathType(plan.conv, tf32_enabled() ? chosen : CUDNN_FMA_MATH));
}

ConvPlan& plan_for(const Conv2dGeometry& g) {
    static std::mutex mutex;
    static std::map<ConvKey, std::unique_ptr<ConvPlan>>* cache = new std::map<ConvKey, std::unique_ptr<ConvPlan>>();
    ConvKey key{g.N, g.C, g.H, g.W, g.K, g.R, g.S, g.stride_h, g.stride_w, g.pad_h, g.pad_w,
                tf32_enabled(), deterministic()};
    std::lock_guard<std::mutex> lock(mutex);
    auto& slot = (*cache)[key];
    if (slot) return *slot;
    auto plan = std::make_unique<ConvPlan>();
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&plan->x));
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&plan->y));
    CUDNN_CHECK(cudnnCreateFilterDescriptor(&plan->w));
    CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&plan->conv));
    CUDNN_CHECK(cudnnSetTensor4dDescriptor(plan->x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, g.N, g.C, g.H, g.W));
    CUDNN_CHECK(cudnnSetFilter4dDescriptor(plan->w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, g.K, g.C, g.R, g.S));
    CUDNN_CHECK(cudnnSetConvolution2dDescriptor(plan->conv, g.pad_h, g.pad_w, g.stride_h, g.stride_w, 1, 1,
                                                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    CUDNN_CHECK(cudnnSetConvolutionMathType(plan->conv, tf32_enabled() ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH));
    int n, k, p, q;
    CUDNN_CHECK(cudnnGetConvolution2dForwardOutputDim(plan->conv, plan->x, plan->w, &n, &k, &p, &q));
    if (n != g.N || k != g.K || p != g.P || q != g.Q)
        throw std::logic_error("cuDNN's convolution output (" + std::to_string(n) + ", " + std::to_string(k) + ", " +
                               std::to_string(p) + ", " + std::to_string(q) + ") differs from conv2d_geometry's");
    CUDNN_CHECK(cudnnSetTensor4dDescriptor(plan->y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, g.N, g.K, g.P, g.Q));
    slot = std::move(plan);
    return *slot;
}

// A search runs convolutions and allocates: it cannot be part of a CUDA graph. Reaching one while capturing
// means the captured step has a shape (or a TF32/determinism setting) the eager warm-up did not have.
void refuse_search_while_capturing(const char* what, const Conv2dGeometry& g) {
    if (stream_is_capturing())
        throw std::runtime_error(std::string("cuDNN ") + what + " algorithm for a new convolution shape (input " +
                                 std::to_string(g.N) + "x" + std::to_string(g.C) + "x" + std::to_string(g.H) + "x" +
                                 std::to_string(g.W) + ") needed during CUDA graph capture: run one eager step with "
                                 "the same shapes and settings before capturing");
}

// The three algorithm searches differ only in cuDNN's function names and in which descriptors go where:
// one struct per direction says that (each call checked where it is made, so an error names it), and
// choose_algorithms does the rest once.
struct ForwardSearch {
    using Perf = cudnnConvolutionFwdAlgoPerf_t;
    static constexpr const char* what = "forward";
    static auto& list(ConvPlan& p) { return p.fwd; }
    static void max_count(int* n) { CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithmMaxCount(handle(), n)); }
    static void heuristics(const ConvPlan& p, int max, int* count, Perf* perf) {
        CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(handle(), p.x, p.w, p.conv, p.y, max, count, perf));
    }
    static void measure(const ConvPlan& p, int max, int* count, Perf* perf) {
        CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithm(handle(), p.x, p.w, p.conv, p.y, max, count, perf));
    }
};
struct BackwardDataSearch {
    using Perf = cudnnConvolutionBwdDataAlgoPerf_t;
    static constexpr const char* what = "backward-data";
    static auto& list(ConvPlan& p) { return p.bwd_data; }
    static void max_count(int* n) { CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithmMaxCount(handle(), n)); }
    static void heuristics(const ConvPlan& p, int max, int* count, Perf* perf) {
        CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(handle(), p.w, p.y, p.conv, p.x, max, count, perf));
    }
    static void measure(const ConvPlan& p, int max, int* count, Perf* perf) {
        CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithm(handle(), p.w, p.y, p.conv, p.x, max, count, perf));
    }
};
struct BackwardFilterSearch {
    using Perf = cudnnConvolutionBwdFilterAlgoPerf_t;
    static constexpr const char* what = "backward-filter";
    static auto& list(ConvPlan& p) { return p.bwd_filter; }
    static void max_count(int* n) { CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(handle(), n)); }
    static void heuristics(const ConvPlan& p, int max, int* count, Perf* perf) {
        CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle(), p.x, p.y, p.conv, p.w, max, count, perf));
    }
    static void measure(const ConvPlan& p, int max, int* count, Perf* perf) {
        CUDNN_CHECK(cudnnFindConvolutionBackwardFilterAlgorithm(handle(), p.x, p.y, p.conv, p.w, max, count, perf));
    }
};

// Fills the plan's list for one direction, the first time that direction runs on this shape.
template <class Search>
void choose_algorithms(ConvPlan& plan, const Conv2dGeometry& g) {
    if (Search::list(plan).chosen()) return;
    refuse_search_while_capturing(Search::what, g);
    const bool det = deterministic(), tf32 = tf32_enabled();
    int max_count = 0, count = 0;
    Search::max_count(&max_count);
    std::vector<typename Search::Perf> perf(max_count);
    if (det) Search::heuristics(plan, max_count, &count, perf.data());  // runs nothing: the same in every run
    else Search::measure(plan, max_count, &count, perf.data());         // runs each: fastest first
    choose(perf, count, det, tf32, Search::what, g, Search::list(plan));
}

// Runs one convolution call with the list's current algorithm; when cuDNN answers that this algorithm
// cannot run this problem (classify_cudnn_status in framework/cuda/cudnn_status.h: the shape, layout,
// padding, shared-memory or launch-parameter kinds of NOT_SUPPORTED, found before anything is launched: a
// heuristic's pick, or even a measured one, can still be refused), moves on to the next usable algorithm, as
// PyTorch does, and remembers the move. A status about the machine (driver, CUDA runtime, architecture,
// sub-library) fails at once with the status named, as does any other failure, running out of candidates,
// or a refusal while capturing: a graph's algorithms were fixed by the eager warm-up.
template <class Algo, class Run>
void run_with_fallback(AlgoList<Algo>& list, const char* call, Run run) {
    for (;;) {
        const cudnnStatus_t st = run(list.get());
        if (st == CUDNN_STATUS_SUCCESS) return;
        const FallbackDecision next =
            fallback_decision((int)st, list.current + 1 >= list.ranked.size(), stream_is_capturing());
        if (!next.try_next)
            fail(call, __FILE__, __LINE__,
                 std::string(cudnnGetErrorString(st)) + " (status " + std::to_string((int)st) + ", usable algorithm " +
                     std::to_string(list.current + 1) + " of " + std::to_string(list.ranked.size()) + "): " + next.why);
        (void)cudaGetLastError();
        list.current++;
    }
}

}  // namespace

void conv2d_forward(const float* x, const float* w, const float* b, float* y, const Conv2dGeometry& g) {
    if ((size_t)g.N * g.K * g.P * g.Q == 0) return;
    ConvPlan& plan = plan_for(g);
    choose_algorithms<ForwardSearch>(plan, g);
    const float one = 1.0f, zero = 0.0f;
    run_with_fallback(plan.fwd, "cudnnConvolutionForward", [&](const auto& a) {
        set_math(plan, a.math);
        void* ws = workspace().get(a.workspace);
        return cudnnConvolutionForward(handle(), &one, plan.x, x, plan.w, w, plan.conv, a.algo, ws, a.workspace, &zero,
                                       plan.y, y);
    });
    if (b) bias_apply(y, b, g.N, g.K, g.P * g.Q, /*accumulate=*/true);
}

void conv2d_backward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db,
                     const Conv2dGeometry& g, bool accumulate_dx) {
    if ((size_t)g.N * g.K * g.P * g.Q == 0) return;
    ConvPlan& plan = plan_for(g);
    const float one = 1.0f;  // alpha = 1 and beta = 1: accumulate into dx and dw
    const float dx_beta = accumulate_dx ? 1.0f : 0.0f;  // beta = 0: cuDNN writes dx without reading it
    if (dx) {
        choose_algorithms<BackwardDataSearch>(plan, g);
        run_with_fallback(plan.bwd_data, "cudnnConvolutionBackwardData", [&](const auto& a) {
            set_math(plan, a.math);
            void* ws = workspace().get(a.workspace);
            return cudnnConvolutionBackwardData(handle(), &one, plan.w, w, plan.y, dy, plan.conv, a.algo, ws,
                                                a.workspace, &dx_beta, plan.x, dx);
        });
    }
    choose_algorithms<BackwardFilterSearch>(plan, g);
    run_with_fallback(plan.bwd_filter, "cudnnConvolutionBackwardFilter", [&](const auto& a) {
        set_math(plan, a.math);
        void* ws = workspace().get(a.workspace);
        return cudnnConvolutionBackwardFilter(handle(), &one, plan.x, x, plan.y, dy, plan.conv, a.algo, ws, a.workspace,
                                              &one, plan.w, dw);
    });
    if (db) channel_sum_add(dy, db, g.N, g.K, g.P * g.Q);
}

}  // namespace melgrad::cuda
