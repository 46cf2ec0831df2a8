// melgrad filters / featuremaps: what the network learned (first-layer kernels) and what it sees
// (the activations of each conv block for one chunk of a song).
#include <cstdio>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/figures/grid.h"
#include "experiments/gtzan/class_names.h"
#include "experiments/gtzan/features.h"
#include "audio/decode.h"
#include "framework/checkpoint.h"
#include "framework/layers/conv2d.h"
#include "framework/model_text.h"
#include "framework/tape.h"

namespace melgrad::cli {
namespace {

BuiltModel load_model(const std::string& path, Checkpoint& ck) {
    ck = load_checkpoint(path);
    BuiltModel built =
        build_model(ck.meta("model_text"), path + " (model_text)", 0, (int)gtzan::checkpoint_class_names(ck).size());
    std::vector<NamedTensor> state = built.model->state();
    restore_into(ck, state, ck.has("model.0.weight") ? "model" : "");
    built.model->eval();
    return built;
}

int cmd_filters(const std::vector<std::string>& args) {
    Args a(args, "melgrad filters");
    std::string out = a.option("-o", "--output", "filters.png");
    int layer_index = a.int_option("--layer", -1);
    const auto& rest = a.finish();
    if (rest.size() != 1) throw UsageError("give one checkpoint, e.g. melgrad filters runs/x/model.ckpt -o filters.png");
    Checkpoint ck;
    BuiltModel m = load_model(rest[0], ck);
    Conv2d* conv = nullptr;
    for (size_t i = 0; i < m.model->size(); i++)
        if (auto* c = dynamic_cast<Conv2d*>(&(*m.model)[i]); c && (layer_index < 0 || (int)i == layer_index)) { conv = c; break; }
    if (!conv) throw std::runtime_error(rest[0] + ": no Conv2d layer" + (layer_index >= 0 ? " at that index" : ""));
    const Shape& s = conv->weight.shape();
    figures::GridStyle style;
    style.title = "conv1: " + std::to_string(s[0]) + " kernels " + std::to_string(s[2]) + "x" + std::to_string(s[3]);
    figures::render_grid(figures::kernel_tiles(conv->weight.data(), s[0], s[1], s[2], s[3]), style).save_png(out);
    std::printf("wrote %s\n", out.c_str());
    return 0;
}

int cmd_featuremaps(const std::vector<std::string>& args) {
    Args a(args, "melgrad featuremaps");
    std::string out = a.option("-o", "--output", "featuremaps.png");
    int chunk_index = a.int_option("--chunk", 0);
    const auto& rest = a.finish();
    if (rest.size() != 2) throw UsageError("give a checkpoint and an audio file: melgrad featuremaps CKPT AUDIO -o maps.png");
    Checkpoint ck;
    BuiltModel m = load_model(rest[0], ck);
    gtzan::FeatureSettings fs = gtzan::FeatureSettings::from_header(ck.metadata, "data.", rest[0]);
    audio::LoadOptions load;
    load.sr = fs.sample_rate;
    auto chunks = gtzan::clip_chunks(audio::load_audio(rest[1], load).samples, fs);
    if (chunk_index < 0 || chunk_index >= (int)chunks.size())
        throw std::runtime_error(rest[1] + ": has " + std::to_string(chunks.size()) + " chunks, --chunk " +
                                 std::to_string(chunk_index) + " is out of range");
    Tensor x = Tensor::from_vector({1, 1, fs.n_mels, fs.chunk_frames}, chunks[chunk_index]);
    NoGrad no_grad;
    std::vector<Tensor> kept;
    std::vector<figures::LayerActivations> layers;
    kept.push_back(x);
    layers.push_back({"input", x.data(), 1, fs.n_mels, fs.chunk_frames});
    int block = 0;
    for (size_t i = 0; i < m.model->size(); i++) {
        Module& layer = (*m.model)[i];
        x = layer.forward(x);
        // Show each conv block after its activation (what the next block sees).
        const bool activation = layer.type() == "ReLU" || layer.type() == "LeakyReLU";
        if (activation && x.ndim() == 4) {
            kept.push_back(x);
            layers.push_back({"block " + std::to_string(++block) + " (" + layer.type() + " " + std::to_string(i) + ")",
                              x.data(), x.dim(1), x.dim(2), x.dim(3)});
        }
    }
    figures::render_feature_maps(layers).save_png(out);
    std::printf("wrote %s (%d conv blocks, chunk %d of %s)\n", out.c_str(), block, chunk_index, rest[1].c_str());
    return 0;
}

MELGRAD_COMMAND("filters", "the first conv layer's learned kernels as a grid (diverging colours)",
                "usage: melgrad filters CHECKPOINT -o filters.png [--layer INDEX]", cmd_filters);
MELGRAD_COMMAND("featuremaps", "each conv block's activations for one chunk of a song",
                "usage: melgrad featuremaps CHECKPOINT AUDIO -o maps.png [--chunk 0]", cmd_featuremaps);

}  // namespace
}  // namespace melgrad::cli
