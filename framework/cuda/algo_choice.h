// Which cuDNN convolution algorithm to use, from cuDNN's own list of candidates. Plain C++ (the cuDNN perf
// structs are copied into AlgoCandidate), so the rule is tested on the CPU (tests/cuda/).
//
// cuDNN returns candidates best first: by measured time (cudnnFind*, which runs each algorithm) or by its
// heuristics' ranking (cudnnGet*_v7, which runs nothing). We take the first candidate that
//   * succeeded (status CUDNN_STATUS_SUCCESS: some algorithms do not support a shape) and does not ask for
//     CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION (FP16 inside: framework/layers/conv2d.cu marks those as not succeeded),
//   * needs no more workspace than the limit,
//   * is deterministic, when deterministic mode is on,
//   * does not use tensor-op math (TF32) when TF32 is off.
#pragma once
#include <cstddef>
#include <vector>

namespace melgrad::cuda {

struct AlgoCandidate {
    int algo;               // the cudnnConvolution*Algo_t value
    bool success;           // status == CUDNN_STATUS_SUCCESS (and no ALLOW_CONVERSION math)
    size_t workspace_bytes;
    bool deterministic;     // determinism == CUDNN_DETERMINISTIC
    bool tensor_op_math;    // mathType is CUDNN_TENSOR_OP_MATH or CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION
};

// Indices of every qualifying candidate in `ranked`, best first. The first is the choice; the others are
// the fallbacks when it still fails at execution (framework/layers/conv2d.cu: a heuristic's or even Find's pick can).
inline std::vector<int> usable_algorithms(const std::vector<AlgoCandidate>& ranked, size_t workspace_limit,
                                          bool deterministic, bool tf32) {
    std::vector<int> usable;
    for (size_t i = 0; i < ranked.size(); i++) {
        const AlgoCandidate& a = ranked[i];
        if (!a.success || a.workspace_bytes > workspace_limit) continue;
        if (deterministic && !a.deterministic) continue;
        if (!tf32 && a.tensor_op_math) continue;
        usable.push_back((int)i);
    }
    return usable;
}

// Index of the chosen candidate in `ranked`, or -1 when none qualifies.
inline int choose_algorithm(const std::vector<AlgoCandidate>& ranked, size_t workspace_limit, bool deterministic,
                            bool tf32) {
    const std::vector<int> usable = usable_algorithms(ranked, workspace_limit, deterministic, tf32);
    return usable.empty() ? -1 : usable[0];
}

}  // namespace melgrad::cuda
