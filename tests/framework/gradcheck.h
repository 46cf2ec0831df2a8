// A generic gradient checker (Caffe's GradientChecker, written for melgrad's tape).
//
// For a function y = f(theta) (a forward pass) and a fixed random tensor r of y's shape, the scalar
//   L(theta) = sum_i y_i * r_i
// has the gradient dL/dtheta = (dy/dtheta)^T r, which is exactly what the tape computes when backward is
// seeded with output_grad = r (Tape::backward(output, output_grad)). Every element theta_j is then checked
// against the central finite difference
//   numeric_j = (L(theta + h e_j) - L(theta - h e_j)) / (2h)
// with L accumulated in double (each float product y_i * r_i is exact in double, so the sum adds no noise).
// Tolerance, as in Caffe: |analytic - numeric| <= threshold * max(|analytic|, |numeric|, 1) (the 1 is
// GradCheckOptions::min_scale).
//
// Kinks (ReLU at 0, ties in max pooling) make the finite difference meaningless; tests construct inputs
// that stay away from them. For composite models where that cannot be arranged, skip_kinks compares the
// two one-sided slopes and skips (and counts) elements where they disagree: the function is not smooth there.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "framework/backend.h"
#include "framework/rng.h"
#include "framework/tape.h"
#include "framework/tensor.h"

namespace melgrad::testing {

struct GradCheckOptions {
    double step = 1e-2;           // h (Caffe's default for float)
    double threshold = 1e-3;      // relative to max(|analytic|, |numeric|, min_scale)
    double min_scale = 1.0;       // Caffe uses 1: errors on gradients below it are absolute
    size_t max_elements = 400;    // per tensor; larger tensors are checked at this many random positions
    bool skip_kinks = false;
    double kink_threshold = 1e-1; // one-sided slopes differing by more than this (scaled) = a kink
    uint64_t seed = 1;            // for r and for the sampled positions
};

struct GradCheckReport {
    size_t checked = 0, skipped = 0, failed = 0;
    double max_error = 0;         // the largest scaled error seen
    std::string worst;            // where it was
    std::string summary() const {
        char buf[512];
        std::snprintf(buf, sizeof buf, "checked %zu, skipped %zu (kinks), failed %zu, max scaled error %.3g at %s",
                      checked, skipped, failed, max_error, worst.c_str());
        return buf;
    }
};

// A tensor to differentiate with respect to, and its name for messages.
using Wrt = std::pair<std::string, Tensor*>;

// forward() must run the op(s) on the current values of the wrt tensors and return the output; it is called
// once with gradients recorded, then many times inside NoGrad. It must be deterministic (set dropout's
// random stream inside it).
inline GradCheckReport check_gradients(const std::function<Tensor()>& forward, const std::vector<Wrt>& wrt,
                                       const GradCheckOptions& opt = {}) {
    GradCheckReport rep;
    current_tape().clear();
    for (auto& w : wrt) {
        w.second->set_requires_grad(true);
        w.second->zero_grad();
    }
    // Analytic: one forward with the tape, backward seeded with r.
    Tensor y = forward();
    Rng rng(opt.seed);
    Tensor r(y.shape());
    for (size_t i = 0; i < r.numel(); i++) r.at(i) = rng.normal();
    current_tape().backward(y, r);
    std::vector<std::vector<float>> analytic;
    for (auto& w : wrt) analytic.push_back(w.second->grad().to_vector());

    auto loss = [&]() {
        NoGrad ng;
        Tensor out = forward();
        double s = 0;
        for (size_t i = 0; i < out.numel(); i++) s += (double)out.at(i) * (double)r.at(i);
        return s;
    };
    const double h = opt.step;
    const double base = opt.skip_kinks ? loss() : 0.0;
    for (size_t t = 0; t < wrt.size(); t++) {
        Tensor& x = *wrt[t].second;
        std::vector<size_t> positions;
        if (opt.max_elements == 0 || x.numel() <= opt.max_elements) {
            for (size_t j = 0; j < x.numel(); j++) positions.push_back(j);
        } else {
            for (size_t k = 0; k < opt.max_elements; k++) positions.push_back(rng.below(x.numel()));
        }
        for (size_t j : positions) {
            float saved = x.at(j);
            x.at(j) = saved + (float)h;
            double plus = loss();
            x.at(j) = saved - (float)h;
            double minus = loss();
            x.at(j) = saved;
            // The step actually taken in float (saved + h is rounded).
            double step_plus = (double)(saved + (float)h) - saved, step_minus = saved - (double)(saved - (float)h);
            double numeric = (plus - minus) / (step_plus + step_minus);
            double a = analytic[t][j];
            double scale = std::max({std::fabs(a), std::fabs(numeric), opt.min_scale});
            if (opt.skip_kinks) {
                double right = (plus - base) / step_plus, left = (base - minus) / step_minus;
                if (std::fabs(right - left) > opt.kink_threshold * scale) { rep.skipped++; continue; }
            }
            double err = std::fabs(a - numeric) / scale;
            rep.checked++;
            if (err > rep.max_error) {
                rep.max_error = err;
                char buf[256];
                std::snprintf(buf, sizeof buf, "%s[%zu] (analytic %.6g, numeric %.6g)", wrt[t].first.c_str(), j, a,
                              numeric);
                rep.worst = buf;
            }
            if (err > opt.threshold) rep.failed++;
        }
    }
    return rep;
}

// Fills a tensor with N(0, stddev) values.
inline void fill_normal(Tensor& t, Rng& rng, float stddev = 1.0f) {
    for (size_t i = 0; i < t.numel(); i++) t.at(i) = rng.normal(0.0f, stddev);
}

// Values with |v| in [margin, 1] and a random sign: no ReLU kink within a step smaller than margin.
// A fresh tensor of normal values, N(0, stddev^2), from Rng(seed).
inline Tensor normal_tensor(const Shape& shape, uint64_t seed, float stddev = 1.0f) {
    Tensor t(shape);
    Rng rng(seed);
    fill_normal(t, rng, stddev);
    return t;
}
inline void fill_away_from_zero(Tensor& t, Rng& rng, float margin = 0.1f) {
    for (size_t i = 0; i < t.numel(); i++) {
        float v = margin + (1.0f - margin) * rng.uniform();
        t.at(i) = rng.uniform() < 0.5f ? -v : v;
    }
}

// Distinct values spaced `gap` apart in random order: every max-pool window has a clear winner.
inline void fill_distinct(Tensor& t, Rng& rng, float gap = 0.05f) {
    std::vector<float> v(t.numel());
    for (size_t i = 0; i < v.size(); i++) v[i] = gap * ((float)i - (float)v.size() / 2);
    rng.shuffle(v.data(), v.size());
    for (size_t i = 0; i < v.size(); i++) t.at(i) = v[i];
}

// max |a - b| / max(max |b|, tiny): the error relative to the reference's magnitude.
inline double scaled_max_error(const std::vector<float>& a, const std::vector<float>& b) {
    double diff = 0, mag = 1e-30;
    for (size_t i = 0; i < a.size() && i < b.size(); i++) {
        diff = std::max(diff, (double)std::fabs(a[i] - b[i]));
        mag = std::max(mag, (double)std::fabs(b[i]));
    }
    return a.size() == b.size() ? diff / mag : 1e30;
}
inline double scaled_max_error(const Tensor& a, const Tensor& b) { return scaled_max_error(a.to_vector(), b.to_vector()); }

// Sets the CPU path (reference loops or the fast path) for a scope and restores it when the test ends,
// even on failure.
struct PathGuard {
    CpuPath saved = cpu_path();
    explicit PathGuard(CpuPath p) { set_cpu_path(p); }
    ~PathGuard() { set_cpu_path(saved); }
};

// A gradient check passes when it checked something, nothing failed and nothing was skipped.
inline void check_report(const GradCheckReport& rep, const std::string& what) {
    INFO(what << ": " << rep.summary());
    CHECK(rep.checked > 0);
    CHECK(rep.failed == 0);
    CHECK(rep.skipped == 0);
}

}  // namespace melgrad::testing
