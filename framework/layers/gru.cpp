#include "framework/layers/gru.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

#include "framework/backend.h"
#include "framework/layers/gru_cell.h"
#include "framework/layers/linear.h"
#include "framework/rng.h"
#include "framework/tape.h"

namespace melgrad {

void gru_forward_cpu(Engine engine, const float* x, const float* w_ih, const float* w_hh, const float* b_ih,
                     const float* b_hh, float* gi, float* hs, float* gates, int N, int T, int I, int H) {
    const int G = 3 * H;
    // Input projections of every step at once: gi[n, t] = W_ih x[n, t] + b_ih   ((N·T, I) x (I, 3H)).
    linear_forward(engine, x, w_ih, b_ih, gi, N * T, I, G);
    std::fill(hs, hs + (size_t)N * H, 0.0f);  // h_0 = 0
    std::vector<float> gh((size_t)N * G);
    for (int t = 0; t < T; t++) {
        const float* h_prev = hs + (size_t)t * N * H;
        float* h = hs + (size_t)(t + 1) * N * H;
        linear_forward(engine, h_prev, w_hh, b_hh, gh.data(), N, H, G);  // gh = W_hh h_{t-1} + b_hh
        for (int n = 0; n < N; n++) {
            const float* a = gi + ((size_t)n * T + t) * G;  // [gi_r, gi_z, gi_n] of example n, step t
            const float* b = gh.data() + (size_t)n * G;     // [gh_r, gh_z, gh_n]
            float* g = gates + ((size_t)t * N + n) * 4 * H; // saved: [r, z, n, gh_n]
            for (int j = 0; j < H; j++)
                h[(size_t)n * H + j] = gru_cell_forward(a, b, h_prev[(size_t)n * H + j], H, j, g);
        }
    }
}

void gru_output_cpu(const float* hs, float* y, bool sequence, int N, int T, int H) {
    if (!sequence) {  // h_T
        std::copy(hs + (size_t)T * N * H, hs + (size_t)(T + 1) * N * H, y);
        return;
    }
    for (int n = 0; n < N; n++)  // (T, N, H) -> (N, T, H)
        for (int t = 0; t < T; t++)
            std::copy(hs + ((size_t)(t + 1) * N + n) * H, hs + ((size_t)(t + 1) * N + n + 1) * H,
                      y + ((size_t)n * T + t) * H);
}

// Backpropagation through time. dh_t = dL/dh_t is the gradient reaching h_t: from the output (dy at step t
// with output=sequence, or dy at t = T only) plus what step t+1 sends back. Walking t = T..1, with
// d = dh_t and the saved r, z, n, gh_n of step t:
//   h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}   =>   dn = d ⊙ (1 − z)      dz = d ⊙ (h_{t-1} − n)
//                                          dh_{t-1} = d ⊙ z  (+ the path through gh below)
//   n = tanh(a_n), a_n = gi_n + r ⊙ gh_n   =>   da_n = dn ⊙ (1 − n²)
//                                               dgi_n = da_n,  dgh_n = da_n ⊙ r,  dr = da_n ⊙ gh_n
//   r = σ(a_r), a_r = gi_r + gh_r     =>   da_r = dr ⊙ r(1 − r),   dgi_r = dgh_r = da_r
//   z = σ(a_z), a_z = gi_z + gh_z     =>   da_z = dz ⊙ z(1 − z),   dgi_z = dgh_z = da_z
//   gh = W_hh h_{t-1} + b_hh (a Linear) =>  dW_hh += dghᵀ h_{t-1},  db_hh += Σ_n dgh,  dh_{t-1} += dgh W_hh
// and, once for all steps (the input projection is one Linear over N·T rows):
//   gi = W_ih x + b_ih                 =>   dW_ih += dgiᵀ x,  db_ih += Σ dgi,  dx += dgi W_ih
// The weights are shared by every step, so their gradients are sums over t. h_0 is the constant 0: the
// gradient reaching it is dropped.
void gru_backward_cpu(Engine engine, const float* x, const float* w_ih, const float* w_hh, const float* hs,
                      const float* gates, const float* dy, bool sequence, float* dx, float* dw_ih, float* dw_hh,
                      float* db_ih, float* db_hh, int N, int T, int I, int H) {
    const int G = 3 * H;
    std::vector<float> dgi((size_t)N * T * G);  // dL/dgi, laid out like gi: (N, T, 3H)
    std::vector<float> dh((size_t)N * H, 0.0f), dh_prev((size_t)N * H), dgh((size_t)N * G);
    if (!sequence) std::copy(dy, dy + (size_t)N * H, dh.begin());  // only h_T is an output
    for (int t = T - 1; t >= 0; t--) {
        const float* h_prev = hs + (size_t)t * N * H;
        for (int n = 0; n < N; n++) {
            const float* g = gates + ((size_t)t * N + n) * 4 * H;
            float* dgi_nt = dgi.data() + ((size_t)n * T + t) * G;
            float* dgh_n = dgh.data() + (size_t)n * G;
            for (int j = 0; j < H; j++) {
                float d = dh[(size_t)n * H + j];
                if (sequence) d += dy[((size_t)n * T + t) * H + j];  // h_t is also output number t
                dh_prev[(size_t)n * H + j] = gru_cell_backward(g, h_prev[(size_t)n * H + j], d, H, j, dgi_nt, dgh_n);
            }
        }
        // Through gh = W_hh h_{t-1} + b_hh; at t = 0, h_{t-1} = h_0 needs no gradient (dx = null).
        linear_backward(engine, h_prev, w_hh, dgh.data(), t > 0 ? dh_prev.data() : nullptr, dw_hh, db_hh, N, H, G);
        std::swap(dh, dh_prev);  // dh now holds dL/dh_{t-1}
    }
    linear_backward(engine, x, w_ih, dgi.data(), dx, dw_ih, db_ih, N * T, I, G);
}

void gru_forward(Engine engine, const float* x, const float* w_ih, const float* w_hh, const float* b_ih,
                 const float* b_hh, float* gi, float* hs, float* gates, int N, int T, int I, int H) {
    if (engine == Engine::Cuda) cuda::gru_forward(x, w_ih, w_hh, b_ih, b_hh, gi, hs, gates, N, T, I, H);
    else gru_forward_cpu(engine, x, w_ih, w_hh, b_ih, b_hh, gi, hs, gates, N, T, I, H);
}

void gru_output(Engine engine, const float* hs, float* y, bool sequence, int N, int T, int H) {
    if (engine == Engine::Cuda) cuda::gru_output(hs, y, sequence, N, T, H);
    else gru_output_cpu(hs, y, sequence, N, T, H);
}

void gru_backward(Engine engine, const float* x, const float* w_ih, const float* w_hh, const float* hs,
                  const float* gates, const float* dy, bool sequence, float* dx, float* dw_ih, float* dw_hh,
                  float* db_ih, float* db_hh, int N, int T, int I, int H) {
    if (engine == Engine::Cuda)
        cuda::gru_backward(x, w_ih, w_hh, hs, gates, dy, sequence, dx, dw_ih, dw_hh, db_ih, db_hh, N, T, I, H);
    else gru_backward_cpu(engine, x, w_ih, w_hh, hs, gates, dy, sequence, dx, dw_ih, dw_hh, db_ih, db_hh, N, T, I, H);
}

GRU::GRU(int in, int hidden, Output out) : input_size(in), hidden_size(hidden), output(out) {
    if (in <= 0 || hidden <= 0) throw std::invalid_argument("GRU: input_size and hidden_size must be positive");
    weight_ih = Tensor::zeros({3 * hidden, in});
    weight_hh = Tensor::zeros({3 * hidden, hidden});
    bias_ih = Tensor::zeros({3 * hidden});
    bias_hh = Tensor::zeros({3 * hidden});
    for (Tensor* p : {&weight_ih, &weight_hh, &bias_ih, &bias_hh}) p->set_requires_grad(true);
    Rng rng(0);
    reset_parameters(rng);
}

void GRU::reset_parameters(Rng& rng) {
    float bound = 1.0f / std::sqrt((float)hidden_size);
    for (Tensor* p : {&weight_ih, &weight_hh, &bias_ih, &bias_hh}) {
        Tensor v(p->shape());
        for (size_t i = 0; i < v.numel(); i++) v.at(i) = rng.uniform(-bound, bound);
        p->copy_from(v);
    }
}

std::string GRU::describe() const {
    return "GRU(" + std::to_string(input_size) + ", " + std::to_string(hidden_size) + ", batch_first=True, output=" +
           (output == Output::Last ? "last" : "sequence") + ")";
}

Shape GRU::output_shape(const Shape& in) const {
    if (in.size() != 3 || in[2] != input_size)
        throw std::invalid_argument(describe() + " expects (N, T, " + std::to_string(input_size) + "), got " +
                                    shape_str(in));
    if (in[1] < 1) throw std::invalid_argument(describe() + " needs at least one time step, got " + shape_str(in));
    if (output == Output::Last) return {in[0], hidden_size};
    return {in[0], in[1], hidden_size};
}

void GRU::collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) {
    out.push_back({join_name(prefix, "weight_ih_l0"), &weight_ih});
    out.push_back({join_name(prefix, "weight_hh_l0"), &weight_hh});
    out.push_back({join_name(prefix, "bias_ih_l0"), &bias_ih});
    out.push_back({join_name(prefix, "bias_hh_l0"), &bias_hh});
}

namespace {
struct GRUNode : TapeNode {
    Tensor x, w_ih, w_hh, b_ih, b_hh, hs, gates, y;
    bool sequence = false;
    const char* name() const override { return "GRU"; }
    std::vector<const Tensor*> weights() const override { return {&w_ih, &w_hh, &b_ih, &b_hh}; }
    void backward() override {
        int N = x.dim(0), T = x.dim(1), I = x.dim(2), H = w_hh.dim(1);
        float* dx = x.requires_grad() ? x.grad().data() : nullptr;
        gru_backward(engine_for(y), x.data(), w_ih.data(), w_hh.data(), hs.data(), gates.data(),
                              y.grad().data(), sequence, dx, w_ih.grad().data(), w_hh.grad().data(),
                              b_ih.grad().data(), b_hh.grad().data(), N, T, I, H);
    }
};
}  // namespace

Tensor GRU::forward(const Tensor& x) {
    Shape out = output_shape(x.shape());
    const int N = x.dim(0), T = x.dim(1), I = input_size, H = hidden_size;
    Device dev = x.device();
    Tensor gi({N, T, 3 * H}, dev), hs({T + 1, N, H}, dev), gates({T, N, 4 * H}, dev);
    gru_forward(engine_for(x), x.data(), weight_ih.data(), weight_hh.data(), bias_ih.data(),
                          bias_hh.data(), gi.data(), hs.data(), gates.data(), N, T, I, H);
    Tensor y(out, dev);
    gru_output(engine_for(x), hs.data(), y.data(), output == Output::Sequence, N, T, H);
    if (should_record({&x, &weight_ih, &weight_hh, &bias_ih, &bias_hh})) {
        auto node = std::make_unique<GRUNode>();
        node->x = x; node->w_ih = weight_ih; node->w_hh = weight_hh; node->b_ih = bias_ih; node->b_hh = bias_hh;
        node->hs = hs; node->gates = gates; node->y = y;
        node->sequence = output == Output::Sequence;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

}  // namespace melgrad
