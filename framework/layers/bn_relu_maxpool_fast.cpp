// 512-bit vectors where the CPU has them: see conv_bn_relu_maxpool_fast.cpp
#if defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")
#endif
#include <cstdint>
#include <memory>

#include "framework/backend.h"
#include "framework/layers/batchnorm2d.h"
#include "framework/layers/bn_relu_maxpool.h"
#include "framework/layers/bn_relu_maxpool_kernels.h"
#include "framework/layers/pool2d.h"
#include "framework/tape.h"

namespace melgrad {

bool bn_relu_maxpool_fits(const Module& a, const Module& b, const Module& c, const Shape& x) {
    if (a.type() != "BatchNorm2d" || b.type() != "ReLU" || c.type() != "MaxPool2d") return false;
    // The fused forward takes the statistics from this process's batch alone (batchnorm2d_train_channel_cpu).
    // A BatchNorm2d whose statistics are summed over the ranks of a data-parallel run (--sync-bn) runs as a layer.
    if (static_cast<const BatchNorm2d&>(a).statistics_synced()) return false;
    const auto& pool = static_cast<const MaxPool2d&>(c);
    if (pool.kernel_size != 2 || pool.stride != 2) return false;
    if (x.size() != 4) return false;
    const int H = x[2], W = x[3];
    // training with one value per channel: BatchNorm2d's own forward gives the error
    const bool statistics_ok = !a.training() || (size_t)x[0] * H * W >= 2;
    return H >= 2 && W >= 2 && H % 2 == 0 && W % 2 == 0 && statistics_ok;
}

bool can_fuse_bn_relu_maxpool(const Module& a, const Module& b, const Module& c, const Tensor& x) {
    return x.device() == Device::CPU && engine_for(x) == Engine::CpuFast && bn_relu_maxpool_fits(a, b, c, x.shape());
}

namespace {

void bn_relu_maxpool_forward_cpu(const Tensor& x, BatchNorm2d& bn, bool training, float* out, int32_t* arg,
                                 float* xmax, float* save_mean, float* save_invstd) {
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), HW = H * W, PQ = HW / 4;
    const float *xd = x.data(), *gamma = bn.weight.data(), *beta = bn.bias.data();
    float *running_mean = bn.running_mean.data(), *running_var = bn.running_var.data();
#pragma omp parallel for schedule(static) if ((size_t)N * C * HW > 65536)
    for (int c = 0; c < C; c++) {
        const BatchNormChannelMap map =
            training ? batchnorm2d_train_channel_cpu(xd, gamma, beta, save_mean, save_invstd, running_mean, running_var,
                                                     N, C, HW, c, bn.eps, bn.momentum)
                     : batchnorm2d_eval_channel_cpu(gamma, beta, running_mean, running_var, save_mean, save_invstd, c,
                                                    bn.eps);
        for (int n = 0; n < N; n++) {
            const size_t plane = (size_t)n * C + c;
            bn_relu_maxpool_plane(xd + plane * HW, out + plane * PQ, arg + plane * PQ, xmax + plane * PQ, H, W, map);
        }
    }
}

struct BnReluMaxPoolNode : TapeNode {
    Tensor x, weight, bias, out, save_mean, save_invstd;
    // per window, written by bn_relu_maxpool_plane (left uninitialised before: a pass of zeros fewer)
    std::unique_ptr<int32_t[]> arg;  // where its maximum is, 0..3
    std::unique_ptr<float[]> xmax;   // the input x there
    bool training = true;
    const char* name() const override { return "BatchNorm2d+ReLU+MaxPool2d"; }
    std::vector<const Tensor*> weights() const override { return {&weight, &bias}; }
    void backward() override;
};

// BatchNorm2d's backward (framework/layers/batchnorm2d.h) with dy nonzero only at the windows' maxima.
void BnReluMaxPoolNode::backward() {
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), HW = H * W, PQ = HW / 4;
    const double m = (double)N * HW;
    bool accumulate = true;
    float* dx = x.requires_grad() ? x.grad_to_write(accumulate).data() : nullptr;  // every element written
    const float *xd = x.data(), *od = out.data(), *dout = out.grad().data();
    const int32_t* ad = arg.get();
    const BnWindows windows_of{xmax.get(), od, dout, N, C, PQ};
    // the gradients' pointers taken here, once: grad() may create the tensor, which threads must not race to do
    float *dgamma = weight.grad().data(), *dbeta = bias.grad().data();
#pragma omp parallel for schedule(static) if ((size_t)N * C * HW > 65536)
    for (int c = 0; c < C; c++) {
        const BatchNormChannelGradient cg = bn_channel_gradient(windows_of, c, save_mean.data(), save_invstd.data(),
                                                                weight.data(), dgamma, dbeta, m, training);
        if (!dx) continue;
        auto dx_of = accumulate ? bn_dx_row<true> : bn_dx_row<false>;
        for (int n = 0; n < N; n++)
            for (int row = 0; row < H; row++) {
                const size_t plane = (size_t)n * C + c, windows = plane * PQ + (size_t)(row / 2) * (W / 2);
                dx_of(xd + plane * HW + (size_t)row * W, od + windows, dout + windows, ad + windows,
                      dx + plane * HW + (size_t)row * W, W / 2, 2 * (row % 2), cg);
            }
    }
}

}  // namespace

Tensor bn_relu_maxpool_forward(BatchNorm2d& bn, const Tensor& x) {
    bn.output_shape(x.shape());  // the channels must match: BatchNorm2d's own error
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    Tensor out({N, C, H / 2, W / 2}), save_mean({C}), save_invstd({C});
    std::unique_ptr<int32_t[]> arg(new int32_t[out.numel()]);
    std::unique_ptr<float[]> xmax(new float[out.numel()]);
    bn_relu_maxpool_forward_cpu(x, bn, bn.training(), out.data(), arg.get(), xmax.get(), save_mean.data(),
                                save_invstd.data());
    if (should_record({&x, &bn.weight, &bn.bias})) {
        auto node = std::make_unique<BnReluMaxPoolNode>();
        node->x = x; node->weight = bn.weight; node->bias = bn.bias; node->out = out;
        node->save_mean = save_mean; node->save_invstd = save_invstd; node->arg = std::move(arg);
        node->xmax = std::move(xmax);
        node->training = bn.training();
        out.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return out;
}

}  // namespace melgrad
