// GRU: a gated recurrent unit over a sequence (PyTorch's nn.GRU(input_size, hidden_size, batch_first=True),
// one layer, one direction). Input x: (N, T, I); hidden state h_t: (N, H), with h_0 = 0.
//
// Parameters, named and shaped as PyTorch's, gate blocks stacked in PyTorch's order r, z, n:
//   weight_ih_l0 (3H, I) = [W_ir; W_iz; W_in]     bias_ih_l0 (3H) = [b_ir; b_iz; b_in]
//   weight_hh_l0 (3H, H) = [W_hr; W_hz; W_hn]     bias_hh_l0 (3H) = [b_hr; b_hz; b_hn]
//
// Forward, for t = 1..T (⊙ is the elementwise product, σ the logistic sigmoid):
//   gi_t = W_ih x_t + b_ih                   (all T steps at once: one (N·T, I) x (I, 3H) GEMM)
//   gh_t = W_hh h_{t-1} + b_hh               (one (N, H) x (H, 3H) GEMM per step)
//   r_t  = σ(gi_r + gh_r)                    reset gate
//   z_t  = σ(gi_z + gh_z)                    update gate
//   n_t  = tanh(gi_n + r_t ⊙ gh_n)           candidate (r scales W_hn h + b_hn, bias included, as PyTorch)
//   h_t  = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
// Output: h_T (N, H) with output=last (the default, to feed a Linear classifier), or every h_t,
// (N, T, H), with output=sequence (to stack another GRU).
//
// Backward: backpropagation through time (BPTT), the derivation in gru.cpp next to the code.
//
// Every implementation, found from the name (engine_for and Engine: framework/backend.h):
//   gru_forward, gru_output, gru_backward           pick one          gru.cpp
//   gru_forward_cpu, gru_output_cpu, ...            the CPU loops     gru.cpp (projections: linear_forward)
//   cuda::gru_forward, ...                          the GPU launches  gru.cu (kernels: gru_kernels.cuh;
//                                                                     projections: cuda::linear_forward)
// The cell's arithmetic, shared by the CPU loops and the GPU kernels: gru_cell.h.
#pragma once
#include "framework/backend.h"
#include "framework/module.h"

namespace melgrad {

class Rng;

// The whole sequence, forward. Saves for the backward pass:
//   hs    (T+1, N, H)  h_0 .. h_T, time-major so that each step's h is one contiguous (N, H) block
//   gates (T, N, 4H)   r_t, z_t, n_t and gh_n,t = W_hn h_{t-1} + b_hn
// gi (N, T, 3H) is scratch for the input projections.
void gru_forward(Engine engine, const float* x, const float* w_ih, const float* w_hh, const float* b_ih,
                 const float* b_hh, float* gi, float* hs, float* gates, int N, int T, int I, int H);
// The output from hs: h_T (N, H) when sequence = false, else every h_t reordered from time-major to
// batch-first (N, T, H).
void gru_output(Engine engine, const float* hs, float* y, bool sequence, int N, int T, int H);
// BPTT. dy is the output's gradient: (N, H) for the last step only (sequence = false) or (N, T, H).
// Adds (+=) into dx (may be null), dw_ih, dw_hh, db_ih, db_hh.
void gru_backward(Engine engine, const float* x, const float* w_ih, const float* w_hh, const float* hs,
                  const float* gates, const float* dy, bool sequence, float* dx, float* dw_ih, float* dw_hh,
                  float* db_ih, float* db_hh, int N, int T, int I, int H);

// The CPU versions. `engine` (CpuFast or CpuReference) picks the Linear that does the projections.
void gru_forward_cpu(Engine engine, const float* x, const float* w_ih, const float* w_hh, const float* b_ih,
                     const float* b_hh, float* gi, float* hs, float* gates, int N, int T, int I, int H);
void gru_output_cpu(const float* hs, float* y, bool sequence, int N, int T, int H);
void gru_backward_cpu(Engine engine, const float* x, const float* w_ih, const float* w_hh, const float* hs,
                      const float* gates, const float* dy, bool sequence, float* dx, float* dw_ih, float* dw_hh,
                      float* db_ih, float* db_hh, int N, int T, int I, int H);
namespace cuda {  // the GPU versions: device pointers; gi, hs, gates laid out as on the CPU
void gru_forward(const float* x, const float* w_ih, const float* w_hh, const float* b_ih, const float* b_hh,
                 float* gi, float* hs, float* gates, int N, int T, int I, int H);
void gru_output(const float* hs, float* y, bool sequence, int N, int T, int H);
void gru_backward(const float* x, const float* w_ih, const float* w_hh, const float* hs, const float* gates,
                  const float* dy, bool sequence, float* dx, float* dw_ih, float* dw_hh, float* db_ih, float* db_hh,
                  int N, int T, int I, int H);
}  // namespace cuda

class GRU : public Module {
public:
    enum class Output { Last, Sequence };
    GRU(int input_size, int hidden_size, Output output = Output::Last);
    std::string type() const override { return "GRU"; }
    std::string describe() const override;  // "GRU(1024, 64, batch_first=True, output=last)"
    Tensor forward(const Tensor& x) override;
    Shape output_shape(const Shape& input) const override;
    void collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) override;
    // PyTorch's default: every parameter U(-1/sqrt(H), 1/sqrt(H)), drawn in the order
    // weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0.
    void reset_parameters(Rng& rng);

    int input_size, hidden_size;
    Output output;
    Tensor weight_ih, weight_hh, bias_ih, bias_hh;
};

}  // namespace melgrad
