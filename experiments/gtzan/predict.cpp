#include "experiments/gtzan/predict.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "audio/decode.h"
#include "framework/checkpoint.h"
#include "framework/device_choice.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/tape.h"

namespace melgrad::gtzan {

namespace {
double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

GenrePredictor::GenrePredictor(const std::string& path, const std::string& device) {
    Checkpoint ck = load_checkpoint(path);
    BuiltModel built = build_model(ck.meta("model_text"), path + " (model_text)");
    device_ = choose_device(device, false);
    std::vector<NamedTensor> state = built.model->state();
    restore_into(ck, state, ck.has("model.0.weight") ? "model" : "");
    model_ = std::move(built.model);
    model_->eval();
    model_->to(device_);
    features_ = FeatureSettings::from_header(ck.metadata, "data.");
    std::istringstream gs(ck.meta("genres"));
    std::string g;
    while (std::getline(gs, g, ',')) genres_.push_back(g);
    synthetic_ = ck.metadata.count("synthetic") && ck.metadata.at("synthetic") == "1";
    if (built.output_shape != Shape{(int)genres_.size()})
        throw std::runtime_error(path + ": the model has " + shape_str(built.output_shape) + " outputs for " +
                                 std::to_string(genres_.size()) + " genres");
}

GenrePredictor::SongPrediction GenrePredictor::predict_samples(const std::vector<float>& samples,
                                                               const std::string& name) {
    SongPrediction p;
    p.path = name;
    p.seconds_of_audio = (double)samples.size() / features_.sample_rate;
    p.chunk_seconds = (double)features_.chunk_frames * features_.hop_length / features_.sample_rate;
    auto t = std::chrono::steady_clock::now();
    std::vector<std::vector<float>> chunks = clip_chunks(samples, features_);
    p.features_ms = ms_since(t);
    if (chunks.empty())
        throw std::runtime_error(name + ": too short — the model needs at least " +
                                 std::to_string(p.chunk_seconds).substr(0, 4) + " s of audio, this has " +
                                 std::to_string(p.seconds_of_audio).substr(0, 4) + " s");
    t = std::chrono::steady_clock::now();
    int n = (int)chunks.size(), classes = (int)genres_.size();
    Tensor x({n, 1, features_.n_mels, features_.chunk_frames});
    size_t size = (size_t)features_.n_mels * features_.chunk_frames;
    for (int i = 0; i < n; i++) std::memcpy(x.data() + i * size, chunks[i].data(), size * sizeof(float));
    NoGrad no_grad;
    Tensor probs;
    softmax_cross_entropy(model_->forward(x.to(device_)), std::vector<int>(n, 0), &probs);
    std::vector<float> pv = probs.to_vector();
    p.model_ms = ms_since(t);
    p.probs.assign(classes, 0.0f);
    for (int i = 0; i < n; i++) {
        p.chunk_probs.emplace_back(pv.begin() + (size_t)i * classes, pv.begin() + (size_t)(i + 1) * classes);
        for (int c = 0; c < classes; c++) p.probs[c] += pv[(size_t)i * classes + c] / n;
    }
    return p;
}

GenrePredictor::SongPrediction GenrePredictor::predict_file(const std::string& path) {
    auto t = std::chrono::steady_clock::now();
    audio::LoadOptions load;
    load.sr = features_.sample_rate;
    audio::Audio a = audio::load_audio(path, load);
    double decode_ms = ms_since(t);
    SongPrediction p = predict_samples(a.samples, path);
    p.decode_ms = decode_ms;
    return p;
}

std::vector<int> top_k(const std::vector<float>& values, int k) {
    std::vector<int> idx(values.size());
    for (size_t i = 0; i < idx.size(); i++) idx[i] = (int)i;
    k = std::min<int>(k, (int)idx.size());
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) { return values[a] > values[b]; });
    idx.resize(k);
    return idx;
}

}  // namespace melgrad::gtzan
