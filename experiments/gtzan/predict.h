// melgrad predict: step 6 — the genre of any song, with the preprocessing the model was trained with.
//   decode (any format, resampled to 22050 Hz, mono) -> scaled mel -> 128-frame chunks -> CNN (batches of 32)
//   -> the song's probabilities = mean of its chunks' softmax probabilities -> top 3.
// The song is read piece by piece, twice (song_chunks.h): memory does not depend on its length.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "experiments/gtzan/features.h"
#include "framework/layers/sequential.h"

namespace melgrad::gtzan {

class GenrePredictor {
public:
    // Loads RUN/model.ckpt (or any checkpoint written by melgrad train). Errors name the file.
    // device: "cpu", "cuda" or "auto" (framework/device_choice.h), decided once the model is known.
    GenrePredictor(const std::string& checkpoint, const std::string& device = "cpu");

    struct SongPrediction {
        std::string path;
        double seconds_of_audio = 0;
        std::vector<float> probs;               // mean over chunks, one per genre
        std::vector<std::vector<float>> chunk_probs;  // per 128-frame chunk (about 2.97 s)
        double chunk_seconds = 0;               // duration of one chunk
        double features_ms = 0, model_ms = 0;  // decode + mel + chunks (both passes); the model
    };
    SongPrediction predict_file(const std::string& audio_path);

    const std::vector<std::string>& genres() const { return genres_; }
    const FeatureSettings& features() const { return features_; }
    bool trained_on_synthetic() const { return synthetic_; }
    // The loaded model (evaluation mode, on device()), for tools that run it themselves (melgrad explain).
    Sequential& model() { return *model_; }
    Device device() const { return device_; }

    static constexpr int kPredictBatch = 32;  // chunks per forward pass: bounds the model's memory

private:
    // Softmax probabilities (count x genres) of count scaled chunks (count x 1 x n_mels x chunk_frames).
    std::vector<float> predict_batch(const std::vector<float>& chunks, int count);
    std::unique_ptr<Sequential> model_;
    FeatureSettings features_;
    std::vector<std::string> genres_;
    Device device_ = Device::CPU;
    bool synthetic_ = false;
};

// The indices of the k largest values, largest first.
std::vector<int> top_k(const std::vector<float>& values, int k);

}  // namespace melgrad::gtzan
