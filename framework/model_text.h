// Models as a few lines of text, so users can change a network without recompiling.
//
//   # the paper CNN                     comments start with '#'
//   input 1 128 128                     the shape of one example: channels height width
//   conv2d out=16 kernel=3 padding=1    one layer per line: a name, then key=value options
//   batchnorm2d
//   relu
//   maxpool2d kernel=2
//   flatten
//   dropout p=0.5
//   linear out=classes                  the last layer: one output per class of the dataset (or out=10)
//
// Input sizes (Conv2d's in_channels, Linear's in_features, BatchNorm2d's num_features) are inferred by
// running the shapes through the layers, so they are never written. Layers and options:
//   conv2d out= kernel= [stride=1] [padding=0] [bias=1]   batchnorm2d [eps=1e-5] [momentum=0.1]
//   relu   leaky_relu [negative_slope=0.01]   maxpool2d kernel= [stride=kernel]   avgpool2d kernel= [stride=kernel]
//   globalavgpool2d
//   flatten   dropout [p=0.5]   linear out= [bias=1]   (out=classes: one output per class of the dataset)
//   to_sequence                (N, C, H, W) -> (N, W, C·H): time along W, for a recurrent layer
//   gru hidden= [output=last]  (N, T, F) -> (N, hidden) with output=last, (N, T, hidden) with output=sequence
// Every error names the source, the line and the problem.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "framework/layers/sequential.h"

namespace melgrad {

struct BuiltModel {
    std::unique_ptr<Sequential> model;
    Shape input_shape;   // one example, without the batch dimension: (C, H, W)
    Shape output_shape;  // one example's output, e.g. (10,)
};

// Parses `text` (named `source` in errors, e.g. a file path) and builds the model; weights are drawn
// from Rng(seed) layer by layer with PyTorch's default initialisation. `classes` is what `linear out=classes`
// stands for: the dataset's class count (train) or the checkpoint's (eval, predict); 10, the paper's GTZAN
// genres, when a caller has no dataset (summary, benchmarks).
BuiltModel build_model(const std::string& text, const std::string& source, uint64_t seed = 0, int classes = 10);

// The models that ship with melgrad (experiments/models/builtin_models.cpp).
std::vector<std::string> builtin_model_names();
// A builtin name ("paper-cnn") or a path to a model text file -> the text. Throws when it is neither.
std::string resolve_model_text(const std::string& name_or_path);

}  // namespace melgrad
