// melgrad explain: which parts of the input spectrogram a genre's score depends on.
//
// Training runs the tape backwards from the loss to every weight. Here the same tape and the same hand-written
// layer backward passes run from one class score (the logit of the explained genre, before the softmax) to
// the INPUT: the input tensor is made with requires_grad, the model is in evaluation mode (dropout off,
// BatchNorm on its running statistics), and the weight gradients the layers compute on the way are dropped.
//
//   saliency (Simonyan et al. 2014):  |d score / d input|, one value per mel band and frame.
//   Grad-CAM (Selvaraju et al. 2017): A = the last conv block's maps (K channels of h x w), g = d score / d A;
//       alpha_k = mean over (i, j) of g[k, i, j]        (how much channel k matters for this score)
//       cam[i, j] = ReLU(sum_k alpha_k * A[k, i, j])     (where the helpful channels are active)
//       upsampled to the input's size (bilinear, as PyTorch's F.interpolate with align_corners=False).
//   "The last conv block" is the output of the last Conv2d together with any BatchNorm2d / ReLU right after
//   it, before pooling: the rectified maps of the last conv layer, what Selvaraju et al. used on VGG-16
//   (conv5_3 after its ReLU). For paper-cnn that is layer 14, for crnn layer 10.
//
// Every chunk of a batch is explained in one backward pass: in evaluation mode no layer mixes the examples
// of a batch, so seeding the output gradient with a one-hot row per chunk gives each chunk its own gradient.
#pragma once
#include <string>
#include <vector>

#include "framework/layers/sequential.h"

namespace melgrad::gtzan {

// The index of the layer whose output Grad-CAM reads (see above); -1 when the model has no Conv2d.
int gradcam_layer_index(Sequential& model);

struct ExplainOptions {
    bool gradcam = true;  // also compute Grad-CAM (throws for a model without a Conv2d)
    int target = -1;      // the class whose score is explained; -1 = each chunk's own top class
};

struct Explanation {
    int n = 0, rows = 0, cols = 0, classes = 0;  // chunks, input height (mel bands), width (frames), classes
    std::vector<float> logits;                   // n x classes
    std::vector<int> target;                     // the class explained, per chunk
    std::vector<float> input_gradient;           // n x rows x cols: d score / d input, signed
    int cam_layer = -1;                          // gradcam_layer_index(); -1 when Grad-CAM was not asked for
    int cam_channels = 0, cam_rows = 0, cam_cols = 0;
    std::vector<float> cam_coarse;               // n x cam_rows x cam_cols: the map before upsampling
    std::vector<float> gradcam;                  // n x rows x cols: upsampled
};

// x: (n, 1, rows, cols) on the model's device; the model must be in evaluation mode and the tape empty.
// The model's parameters end with no gradient (Module::drop_grads).
Explanation explain_batch(Sequential& model, const Tensor& x, const ExplainOptions& options = {});

// ReLU(sum_k mean(dA_k) * A_k) for one example: A and dA are channels x h x w; the result is h x w.
std::vector<float> gradcam_map(const float* A, const float* dA, int channels, int h, int w);
// Bilinear resize with PyTorch's align_corners=False convention (pixel centres at (i + 0.5) * in / out).
std::vector<float> upsample_bilinear(const float* src, int h, int w, int out_h, int out_w);
// For pictures: |values| blurred with a Gaussian of `sigma` cells (separable, edges clamped), then divided
// by its maximum so the largest value is 1 (all zeros stay zeros). One chunk: rows x cols.
std::vector<float> smooth_and_normalise(const float* values, int rows, int cols, float sigma);
// values / max(values) (values >= 0), for Grad-CAM maps; all zeros stay zeros.
std::vector<float> normalise_to_max(const float* values, size_t count);

}  // namespace melgrad::gtzan
