#include "experiments/gtzan/predict.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "experiments/gtzan/class_names.h"
#include "experiments/gtzan/song_chunks.h"
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

// Two passes over the file (song_chunks.h): memory does not grow with the song's length.
GenrePredictor::SongPrediction GenrePredictor::predict_file(const std::string& path) {
    SongPrediction p;
    p.path = path;
    p.chunk_seconds = (double)features_.chunk_frames * features_.hop_length / features_.sample_rate;
    auto t = std::chrono::steady_clock::now();
    SongChunks song(path, features_, kPredictBatch);  // pass 1: the song's loudest cell and its length
    p.features_ms = ms_since(t);
    p.seconds_of_audio = song.seconds();
    const int n = song.chunks();
    if (n == 0)
        throw std::runtime_error(path + ": too short — the model needs at least " +
                                 std::to_string(p.chunk_seconds).substr(0, 4) + " s of audio, this has " +
                                 std::to_string(p.seconds_of_audio).substr(0, 4) + " s");
    const int classes = (int)genres_.size();
    p.probs.assign(classes, 0.0f);
    // Every chunk's row is allocated before the first batch: small blocks left between the batches' big,
    // freed tensors would split the heap's free space, and each batch would then need fresh memory for its
    // tensors (measured: +50 MB a batch, 2.1 GB for an hour, with framework/cpu/malloc_tuning.cpp's settings).
    p.chunk_probs.assign(n, std::vector<float>(classes));
    std::vector<float> x;
    // Fixed-size batches: the model's memory does not grow with the song either (10 hours are 12000 chunks).
    for (int first = 0;; ) {
        t = std::chrono::steady_clock::now();
        const int count = song.next_batch(x);  // pass 2: chunks first .. first + count - 1, scaled
        p.features_ms += ms_since(t);
        if (count == 0) break;
        t = std::chrono::steady_clock::now();
        const std::vector<float> pv = predict_batch(x, count);
        p.model_ms += ms_since(t);
        for (int i = 0; i < count; i++) {
            const float* row = pv.data() + (size_t)i * classes;
            for (int c = 0; c < classes; c++)
                if (!std::isfinite(row[c]))
                    throw std::runtime_error(path + ": chunk " + std::to_string(first + i) +
                                             " gives a non-finite probability (are the model's weights broken?)");
            std::copy(row, row + classes, p.chunk_probs[first + i].begin());
            for (int c = 0; c < classes; c++) p.probs[c] += row[c] / n;
        }
        first += count;
    }
    return p;
}

std::vector<float> GenrePredictor::predict_batch(const std::vector<float>& chunks, int count) {
    Tensor x = Tensor::from_vector({count, 1, features_.n_mels, features_.chunk_frames}, chunks);
    NoGrad no_grad;
    Tensor probs;
    softmax_cross_entropy(model_->forward(x.to(device_)), std::vector<int>(count, 0), &probs);
    return probs.to_vector();
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
