#include "framework/layers/softmax_cross_entropy.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "framework/tape.h"

namespace melgrad {

void softmax_cross_entropy_forward_cpu(const float* logits, const int* labels, float* probs, float* loss, int N, int C) {
    double total = 0;
    for (int n = 0; n < N; n++) {
        const float* z = logits + (size_t)n * C;
        float* p = probs + (size_t)n * C;
        float m = z[0];
        for (int c = 1; c < C; c++) m = z[c] > m ? z[c] : m;
        double sum = 0;
        for (int c = 0; c < C; c++) sum += std::exp((double)z[c] - m);
        double log_sum = std::log(sum) + m;  // log sum_j exp(z_j)
        for (int c = 0; c < C; c++) p[c] = (float)std::exp((double)z[c] - log_sum);
        total += log_sum - z[labels[n]];
    }
    *loss = (float)(total / N);
}

void softmax_cross_entropy_backward_cpu(const float* probs, const int* labels, float dloss, float* dlogits, int N,
                                        int C) {
    const float scale = dloss / (float)N;
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            dlogits[(size_t)n * C + c] += scale * (probs[(size_t)n * C + c] - (c == labels[n] ? 1.0f : 0.0f));
}

void softmax_cross_entropy_forward(Engine engine, const float* logits, const int* labels, float* probs, float* loss,
                                   int N, int C) {
    if (engine == Engine::Cuda) cuda::softmax_cross_entropy_forward(logits, labels, probs, loss, N, C);
    else softmax_cross_entropy_forward_cpu(logits, labels, probs, loss, N, C);
}

void softmax_cross_entropy_backward(Engine engine, const float* probs, const int* labels, const float* dloss,
                                    float* dlogits, int N, int C) {
    if (engine == Engine::Cuda) cuda::softmax_cross_entropy_backward(probs, labels, dloss, dlogits, N, C);
    else softmax_cross_entropy_backward_cpu(probs, labels, *dloss, dlogits, N, C);
}

namespace {
struct SoftmaxCrossEntropyNode : TapeNode {
    Tensor logits, probs, loss;
    IndexBuffer labels;  // on the logits' device
    const char* name() const override { return "SoftmaxCrossEntropy"; }
    void backward() override {
        if (!logits.requires_grad()) return;
        int N = logits.dim(0), C = logits.dim(1);
        softmax_cross_entropy_backward(engine_for(logits), probs.data(), labels.data(), loss.grad().data(),
                                       logits.grad().data(), N, C);
    }
};

void check_logits(const Tensor& logits, size_t label_count) {
    if (logits.ndim() != 2)
        throw std::invalid_argument("softmax_cross_entropy expects logits (N, C), got " + shape_str(logits.shape()));
    if (label_count != (size_t)logits.dim(0))
        throw std::invalid_argument("softmax_cross_entropy: " + std::to_string(label_count) + " labels for " +
                                    std::to_string(logits.dim(0)) + " rows of logits");
}

void check_label_range(const int* labels, int N, int C) {
    for (int n = 0; n < N; n++)
        if (labels[n] < 0 || labels[n] >= C)
            throw std::invalid_argument("softmax_cross_entropy: label " + std::to_string(labels[n]) + " at row " +
                                        std::to_string(n) + " is outside [0, " + std::to_string(C) + ")");
}
}  // namespace

Tensor softmax_cross_entropy(const Tensor& logits, const std::vector<int>& labels, Tensor* probs_out) {
    check_logits(logits, labels.size());
    check_label_range(labels.data(), logits.dim(0), logits.dim(1));
    return softmax_cross_entropy(logits, IndexBuffer::from_vector(labels, logits.device()), probs_out);
}

Tensor softmax_cross_entropy(const Tensor& logits, const IndexBuffer& labels, Tensor* probs_out) {
    check_logits(logits, labels.size());
    int N = logits.dim(0), C = logits.dim(1);
    if (labels.device() != logits.device())
        throw std::invalid_argument(std::string("softmax_cross_entropy: labels on ") + device_name(labels.device()) +
                                    ", logits on " + device_name(logits.device()));
    if (labels.device() == Device::CPU) check_label_range(labels.data(), N, C);
    Tensor probs({N, C}, logits.device()), loss({1}, logits.device());
    softmax_cross_entropy_forward(engine_for(logits), logits.data(), labels.data(), probs.data(), loss.data(), N, C);
    if (should_record({&logits})) {
        auto node = std::make_unique<SoftmaxCrossEntropyNode>();
        node->logits = logits; node->probs = probs; node->loss = loss; node->labels = labels;
        loss.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    if (probs_out) *probs_out = probs;
    return loss;
}

}  // namespace melgrad
