#include "experiments/gtzan/predict.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "audio/decode.h"
#include "experiments/gtzan/class_names.h"
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
    genres_ = checkpoint_class_names(ck);
    BuiltModel built = build_model(ck.meta("model_text"), path + " (model_text)", 0, (int)genres_.size());
    device_ = choose_device(device, false);
    std::vector<NamedTensor> state = built.model->state();
    restore_into(ck, state, ck.has("model.0.weight") ? "model" : "");
    model_ = std::move(built.model);
    model_->eval();
    model_->to(device_);
    features_ = FeatureSettings::from_header(ck.metadata, "data.", path);
    synthetic_ = ck.metadata.count("synthetic") && ck.metadata.at("synthetic") == "1";
    // features that no longer fit the model (an edited data.n_mels) would predict from the wrong picture
    check_model_fits_chunks(built.input_shape, built.output_shape, features_.n_mels, features_.chunk_frames,
                            genres_.size(), path,
                            "the features (data.n_mels " + std::to_string(features_.n_mels) + ", data.chunk_frames " +
                                std::to_string(features_.chunk_frames) + ") it records");
}

GenrePredictor::SongPrediction GenrePredictor::predict_samples(const std::vector<float>& samples,
                                                               const std::string& name) {
    SongPrediction p;
    p.path = name;
    p.seconds_of_audio = (double)samples.size() / features_.sample_rate;
    p.chunk_seconds = (double)features_.chunk_frames * features_.hop_length / features_.sample_rate;
    auto t = std::chrono::steady_clock::now();
    int frames = 0;
    const std::vector<float> mel = scaled_mel(samples, features_, &frames);  // n_mels x frames, one scale per song
    p.features_ms = ms_since(t);
    const int n = frames / features_.chunk_frames;  // the tail shorter than a chunk is dropped, as in training
    if (n == 0)
        throw std::runtime_error(name + ": too short — the model needs at least " +
                                 std::to_string(p.chunk_seconds).substr(0, 4) + " s of audio, this has " +
                                 std::to_string(p.seconds_of_audio).substr(0, 4) + " s");
    t = std::chrono::steady_clock::now();
    const int classes = (int)genres_.size();
    p.probs.assign(classes, 0.0f);
    // Fixed-size batches: the model's memory does not grow with the song (a 10-hour file is 12000 chunks).
    for (int first = 0; first < n; first += kPredictBatch) {
        const int count = std::min(kPredictBatch, n - first);
        const std::vector<float> pv = predict_batch(mel, frames, first, count);
        for (int i = 0; i < count; i++) {
            const float* row = pv.data() + (size_t)i * classes;
            for (int c = 0; c < classes; c++)
                if (!std::isfinite(row[c]))
                    throw std::runtime_error(name + ": chunk " + std::to_string(first + i) +
                                             " gives a non-finite probability (are the model's weights broken?)");
            p.chunk_probs.emplace_back(row, row + classes);
            for (int c = 0; c < classes; c++) p.probs[c] += row[c] / n;
        }
    }
    p.model_ms = ms_since(t);
    return p;
}

std::vector<float> GenrePredictor::predict_batch(const std::vector<float>& mel, int frames, int first, int count) {
    const int n_mels = features_.n_mels, cf = features_.chunk_frames;
    Tensor x({count, 1, n_mels, cf});
    for (int i = 0; i < count; i++)  // chunk first + i: columns (first + i) * cf .. + cf of every mel band
        for (int m = 0; m < n_mels; m++)
            std::memcpy(x.data() + ((size_t)i * n_mels + m) * cf, mel.data() + (size_t)m * frames + (size_t)(first + i) * cf,
                        (size_t)cf * sizeof(float));
    NoGrad no_grad;
    Tensor probs;
    softmax_cross_entropy(model_->forward(x.to(device_)), std::vector<int>(count, 0), &probs);
    return probs.to_vector();
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
