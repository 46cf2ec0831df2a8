// What a failed cuDNN convolution call means for the algorithm fallback of framework/layers/conv2d.cu
// (run_with_fallback). Plain C++ on the status's number (cuDNN 9's cudnnStatus_t, cudnn_graph.h), so the
// rule is tested on the CPU (tests/cuda/test_cuda_index_math.cpp); conv2d.cu checks with static_asserts
// that the numbers below are cuDNN's.
//
// cuDNN 9 groups its statuses by thousands (1xxx not initialized, 2xxx bad parameter, 3xxx not supported,
// 4xxx internal error, 5xxx execution failed). Only some of the 3xxx say "this algorithm cannot run this
// problem", where trying the next algorithm is right. Others in 3xxx describe the machine (driver, CUDA
// runtime, GPU architecture, a missing sub-library): every algorithm would fail the same way, so trying the
// next one would only hide the cause.
#pragma once

namespace melgrad::cuda {

enum class CudnnFailure {
    AlgorithmCannotRun,  // try the next usable algorithm
    Environment,         // the installation or the machine: stop, and say so
    Other,               // a bad parameter, an internal or execution error: stop
};

inline CudnnFailure classify_cudnn_status(int status) {
    switch (status) {
        case 3000:  // CUDNN_STATUS_NOT_SUPPORTED
        case 3001:  // CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN
        case 3002:  // CUDNN_STATUS_NOT_SUPPORTED_SHAPE
        case 3003:  // CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE
        case 3004:  // CUDNN_STATUS_NOT_SUPPORTED_LAYOUT
        case 3010:  // CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT
        case 3011:  // CUDNN_STATUS_NOT_SUPPORTED_PADDING
        case 3012:  // CUDNN_STATUS_NOT_SUPPORTED_BAD_LAUNCH_PARAM
            return CudnnFailure::AlgorithmCannotRun;
        case 3005:  // CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER
        case 3006:  // CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART
        case 3007:  // CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH
        case 3008:  // CUDNN_STATUS_NOT_SUPPORTED_RUNTIME_PREREQUISITE_MISSING
        case 3009:  // CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE
        case 1001:  // CUDNN_STATUS_NOT_INITIALIZED
        case 1002:  // CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH
        case 1005:  // CUDNN_STATUS_LICENSE_ERROR
        case 1008:  // CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED
            return CudnnFailure::Environment;
        default:    // 3013/3014 concern the graph API's CUDA graphs and dynamic shapes, which we do not use
            return CudnnFailure::Other;
    }
}

// What run_with_fallback does after a failed call: try the next algorithm, or stop with `why` (the words
// its error message adds after cuDNN's own status string). `last`: no usable algorithm is left after this
// one; `capturing`: a CUDA graph is being captured, whose algorithms the eager warm-up fixed.
struct FallbackDecision {
    bool try_next;
    const char* why;
};

inline FallbackDecision fallback_decision(int status, bool last, bool capturing) {
    switch (classify_cudnn_status(status)) {
        case CudnnFailure::AlgorithmCannotRun:
            if (capturing) return {false, "refused during CUDA graph capture, where no other algorithm may be tried"};
            if (last) return {false, "no usable algorithm left for this convolution"};
            return {true, ""};
        case CudnnFailure::Environment:
            return {false, "a problem of the installation or the machine (driver, CUDA runtime, GPU architecture "
                           "or a cuDNN sub-library), not of this convolution: every algorithm would fail the same way"};
        case CudnnFailure::Other: break;
    }
    return {false, "not a refusal that another algorithm could get round"};
}

}  // namespace melgrad::cuda
