// The models that ship with melgrad, in the text format of framework/model_text.h. Their last layer is
// `linear out=classes`: ten outputs for GTZAN, one per class folder for your own data.
// `melgrad summary --model NAME` prints one; `melgrad model-text NAME > my.model` copies it to edit.
#include <string>
#include <vector>

namespace melgrad {

namespace {
struct BuiltinModel {
    const char* name;
    const char* text;
};

const BuiltinModel kModels[] = {
    {"paper-cnn", R"(# The paper CNN (the paper gives no architecture; this one is ours).
# 4 blocks of conv 3x3 -> batch norm -> ReLU -> 2x2 max pool, then a small classifier.
input 1 128 128
conv2d out=16 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=2
conv2d out=32 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=2
conv2d out=64 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=2
conv2d out=128 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=2
flatten
dropout p=0.5
linear out=128
relu
dropout p=0.5
linear out=classes
)"},
    {"tiny-cnn", R"(# A tiny CNN for quick checks (seconds on a CPU), same input and output as paper-cnn.
input 1 128 128
conv2d out=8 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=4
conv2d out=16 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=4
globalavgpool2d
flatten
linear out=classes
)"},
    {"crnn", R"(# A CRNN, the paper's proposed next step: convolutions, then a recurrent layer over time.
# The conv blocks extract local time-frequency patterns (onsets, harmonics, timbre) from the mel
# spectrogram (1 x 128 mels x 128 frames) and shrink it to 64 maps of 16 mel rows x 16 frame steps.
# to_sequence reads those maps as a sequence along the frame axis: 16 steps, each with 64 x 16 = 1024
# features (every channel, every remaining mel row). The GRU summarises the sequence over time (rhythm,
# how the texture evolves) into its last hidden state, and a linear layer classifies that.
# Three cheap conv blocks (16/32/64 channels) keep it fast on a CPU: 233,450 parameters, most in the GRU.
input 1 128 128
conv2d out=16 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=2
conv2d out=32 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=2
conv2d out=64 kernel=3 padding=1
batchnorm2d
relu
maxpool2d kernel=2
to_sequence
gru hidden=64
dropout p=0.5
linear out=classes
)"},
};
}  // namespace

const char* builtin_model_text(const std::string& name) {
    for (const auto& m : kModels)
        if (name == m.name) return m.text;
    return nullptr;
}

std::vector<std::string> builtin_model_names() {
    std::vector<std::string> names;
    for (const auto& m : kModels) names.push_back(m.name);
    return names;
}

}  // namespace melgrad
