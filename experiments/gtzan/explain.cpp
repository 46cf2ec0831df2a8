// Saliency and Grad-CAM from melgrad's own backward pass (see explain.h).
#include "experiments/gtzan/explain.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "framework/tape.h"

namespace melgrad::gtzan {

int gradcam_layer_index(Sequential& model) {
    int last_conv = -1;
    for (size_t i = 0; i < model.size(); i++)
        if (model[i].type() == "Conv2d") last_conv = (int)i;
    if (last_conv < 0) return -1;
    int end = last_conv;  // the block goes on through the BatchNorm2d and the activation that follow the conv
    auto in_block = [&](const std::string& type) { return type == "BatchNorm2d" || type == "ReLU" || type == "LeakyReLU"; };
    while (end + 1 < (int)model.size() && in_block(model[end + 1].type())) end++;
    return end;
}

namespace {

// One-hot rows: the output gradient that back-propagates each chunk's own target score.
Tensor one_hot_rows(const std::vector<int>& target, int classes, Device device) {
    Tensor seed = Tensor::zeros({(int)target.size(), classes});
    for (size_t i = 0; i < target.size(); i++) seed.at(i * classes + target[i]) = 1.0f;
    return seed.to(device);
}

std::vector<int> targets(const std::vector<float>& logits, int n, int classes, int fixed) {
    std::vector<int> t(n, fixed);
    if (fixed >= 0) return t;
    for (int i = 0; i < n; i++) {
        const float* row = logits.data() + (size_t)i * classes;
        t[i] = (int)(std::max_element(row, row + classes) - row);
    }
    return t;
}

void check_input(Sequential& model, const Tensor& x, const ExplainOptions& options, int cam_layer) {
    if (x.ndim() != 4 || x.dim(1) != 1)
        throw std::invalid_argument("explain: the input must be (chunks, 1, mel bands, frames), got " +
                                    shape_str(x.shape()));
    if (model.training())
        throw std::logic_error("explain: put the model in evaluation mode first (model.eval())");
    if (current_tape().size() != 0)
        throw std::logic_error("explain: the tape already holds " + std::to_string(current_tape().size()) +
                               " operations of another forward pass");
    if (!grad_enabled()) throw std::logic_error("explain: called inside a NoGrad scope");
    if (options.gradcam && cam_layer < 0)
        throw std::invalid_argument("Grad-CAM needs a convolutional layer and this model has none (" +
                                    std::to_string(model.size()) + " layers, no conv2d): use --method saliency");
}

// Fills the Grad-CAM fields from the block's maps and their gradient (both copied to the host).
void add_gradcam(Explanation& e, Tensor maps) {
    if (maps.ndim() != 4)
        throw std::invalid_argument("Grad-CAM: layer " + std::to_string(e.cam_layer) + " gives " +
                                    shape_str(maps.shape()) + ", not (N, channels, h, w) maps");
    Tensor grad = maps.grad();
    e.cam_channels = maps.dim(1), e.cam_rows = maps.dim(2), e.cam_cols = maps.dim(3);
    const std::vector<float> A = maps.to_vector(), dA = grad.to_vector();
    const size_t per_example = (size_t)e.cam_channels * e.cam_rows * e.cam_cols;
    for (int i = 0; i < e.n; i++) {
        std::vector<float> cam = gradcam_map(A.data() + i * per_example, dA.data() + i * per_example,
                                             e.cam_channels, e.cam_rows, e.cam_cols);
        e.cam_coarse.insert(e.cam_coarse.end(), cam.begin(), cam.end());
        std::vector<float> up = upsample_bilinear(cam.data(), e.cam_rows, e.cam_cols, e.rows, e.cols);
        e.gradcam.insert(e.gradcam.end(), up.begin(), up.end());
    }
}

// Whatever happens (a model whose output does not fit, a layer that throws), the tape ends empty.
struct ClearTapeOnExit {
    ~ClearTapeOnExit() { current_tape().clear(); }
};

}  // namespace

Explanation explain_batch(Sequential& model, const Tensor& x, const ExplainOptions& options) {
    const int cam_layer = options.gradcam ? gradcam_layer_index(model) : -1;
    check_input(model, x, options, cam_layer);
    Explanation e;
    e.n = x.dim(0), e.rows = x.dim(2), e.cols = x.dim(3), e.cam_layer = cam_layer;
    ClearTapeOnExit clear_tape;
    Tensor input = x.clone();
    input.set_requires_grad(true);  // the one leaf we want a gradient for
    Tensor h = input, maps;
    for (size_t i = 0; i < model.size(); i++) {  // the model's own forward, keeping the conv block's maps
        h = model[i].forward(h);
        if ((int)i == cam_layer) maps = h;
    }
    if (h.ndim() != 2 || h.dim(0) != e.n)
        throw std::invalid_argument("explain: the model's output is " + shape_str(h.shape()) +
                                    ", expected one row of class scores per chunk");
    e.classes = h.dim(1);
    e.logits = h.to_vector();
    if (options.target >= e.classes)
        throw std::invalid_argument("explain: class " + std::to_string(options.target) + " but the model has " +
                                    std::to_string(e.classes) + " outputs");
    e.target = targets(e.logits, e.n, e.classes, options.target);
    current_tape().backward(h, one_hot_rows(e.target, e.classes, h.device()));
    model.drop_grads();  // the layers computed weight gradients on the way; nobody wants them here
    e.input_gradient = input.grad().to_vector();
    if (cam_layer >= 0) add_gradcam(e, maps);
    return e;
}

std::vector<float> gradcam_map(const float* A, const float* dA, int channels, int h, int w) {
    const size_t hw = (size_t)h * w;
    std::vector<double> cam(hw, 0.0);
    for (int k = 0; k < channels; k++) {
        double alpha = 0;  // global-average-pooled gradient of channel k
        for (size_t p = 0; p < hw; p++) alpha += dA[k * hw + p];
        alpha /= (double)hw;
        for (size_t p = 0; p < hw; p++) cam[p] += alpha * A[k * hw + p];
    }
    std::vector<float> out(hw);
    for (size_t p = 0; p < hw; p++) out[p] = (float)std::max(0.0, cam[p]);
    return out;
}

namespace {
// Source coordinate of output index i, PyTorch's align_corners=False: clamped at 0 below.
void bilinear_source(int i, int in, int out, int& i0, int& i1, float& t) {
    const float scale = (float)in / (float)out;
    const float src = std::max(0.0f, ((float)i + 0.5f) * scale - 0.5f);
    i0 = std::min((int)src, in - 1);
    i1 = std::min(i0 + 1, in - 1);
    t = src - (float)i0;
}
}  // namespace

std::vector<float> upsample_bilinear(const float* src, int h, int w, int out_h, int out_w) {
    std::vector<float> out((size_t)out_h * out_w);
    for (int y = 0; y < out_h; y++) {
        int y0, y1;
        float ty;
        bilinear_source(y, h, out_h, y0, y1, ty);
        for (int x = 0; x < out_w; x++) {
            int x0, x1;
            float tx;
            bilinear_source(x, w, out_w, x0, x1, tx);
            const float top = (1 - tx) * src[y0 * w + x0] + tx * src[y0 * w + x1];
            const float bottom = (1 - tx) * src[y1 * w + x0] + tx * src[y1 * w + x1];
            out[(size_t)y * out_w + x] = (1 - ty) * top + ty * bottom;
        }
    }
    return out;
}

std::vector<float> normalise_to_max(const float* values, size_t count) {
    float top = 0;
    for (size_t i = 0; i < count; i++) top = std::max(top, values[i]);
    std::vector<float> out(values, values + count);
    if (top > 0)
        for (float& v : out) v /= top;
    return out;
}

std::vector<float> smooth_and_normalise(const float* values, int rows, int cols, float sigma) {
    const int radius = std::max(0, (int)std::ceil(3 * sigma));
    std::vector<float> kernel(2 * radius + 1, 1.0f);
    float sum = 0;
    for (int d = -radius; d <= radius; d++)
        sum += kernel[d + radius] = sigma > 0 ? std::exp(-0.5f * d * d / (sigma * sigma)) : 1.0f;
    for (float& k : kernel) k /= sum;
    auto at = [](int i, int n) { return std::clamp(i, 0, n - 1); };
    std::vector<float> across((size_t)rows * cols), out((size_t)rows * cols);
    for (int r = 0; r < rows; r++)  // along time
        for (int c = 0; c < cols; c++) {
            float s = 0;
            for (int d = -radius; d <= radius; d++) s += kernel[d + radius] * std::fabs(values[r * cols + at(c + d, cols)]);
            across[(size_t)r * cols + c] = s;
        }
    for (int r = 0; r < rows; r++)  // then along frequency
        for (int c = 0; c < cols; c++) {
            float s = 0;
            for (int d = -radius; d <= radius; d++) s += kernel[d + radius] * across[(size_t)at(r + d, rows) * cols + c];
            out[(size_t)r * cols + c] = s;
        }
    return normalise_to_max(out.data(), out.size());
}

}  // namespace melgrad::gtzan
