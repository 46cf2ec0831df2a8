#include "experiments/cli/bench_flops.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <vector>

#include "framework/backend.h"
#include "framework/rng.h"

namespace melgrad::cli {

TrainingFlops training_flops_per_sample(Sequential& model, const Shape& input_shape) {
    TrainingFlops f;
    Shape shape = input_shape;  // one sample: (1, C, H, W) or (1, features)
    shape.insert(shape.begin(), 1);
    for (size_t i = 0; i < model.size(); i++) {
        Module& layer = model[i];
        const Shape out = layer.output_shape(shape);
        std::vector<NamedTensor> params;
        layer.collect_parameters("", params);
        const std::string type = layer.type();
        if (type == "Conv2d" || type == "Linear") {
            auto is_weight = [](const NamedTensor& p) { return p.name == "weight"; };
            const auto weight = std::find_if(params.begin(), params.end(), is_weight);
            if (weight == params.end()) throw std::logic_error(layer.describe() + ": no weight to count FLOPs from");
            const double macs = (double)weight->tensor->numel() * (double)shape_numel(out) / out[1];  // out[1]: channels
            f.forward += 2 * macs;
            f.backward += 2 * macs * (i == 0 ? 1 : 2);  // weight gradient; input gradient after layer 0
        } else if (!params.empty() && type != "BatchNorm2d") {
            f.not_counted += (f.not_counted.empty() ? "" : ", ") + type;
        }
        shape = out;
    }
    return f;
}

double measure_sgemm_gflops(int n, int reps) {
    const size_t count = (size_t)n * n;
    std::vector<float> a(count), b(count), c(count);
    Rng rng(7);
    for (size_t i = 0; i < count; i++) a[i] = rng.normal(), b[i] = rng.normal();
    double best_s = 1e30;
    for (int r = 0; r <= reps; r++) {  // r == 0: the warm-up (OpenBLAS's buffers, the threads waking)
        auto t0 = std::chrono::steady_clock::now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f,
                    c.data(), n);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r > 0) best_s = std::min(best_s, s);
    }
    return 2.0 * n * n * (double)n / best_s / 1e9;
}

double measure_memory_gbps(int megabytes, int reps) {
    const size_t count = (size_t)megabytes * 1000000 / sizeof(float);
    std::unique_ptr<float[]> x(new float[count]), y(new float[count]);
    const int threads = num_threads();
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t i = 0; i < count; i++) x[i] = (float)(i % 1000), y[i] = 0.0f;  // each thread's pages its own
    double best_s = 1e30;
    for (int r = 0; r <= reps; r++) {
        auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t i = 0; i < count; i++) y[i] = 1.5f * x[i] + 0.5f;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r > 0) best_s = std::min(best_s, s);
    }
    return 2.0 * count * sizeof(float) / best_s / 1e9;
}

}  // namespace melgrad::cli
