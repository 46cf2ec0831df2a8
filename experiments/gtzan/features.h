// The features the CNN sees, computed the same way for training (preprocess) and for prediction:
//   samples (22050 Hz mono) -> mel power spectrogram (n_fft 2048, hop 512, 128 mels, Slaney)
//   -> scale: "db"    power_to_db(ref=max, top_db=80) mapped to [0, 1]  (1 + dB/80)
//             "power" divided by its maximum ("max normalized", the paper's words)
//   -> 1 x 128 x 128 chunks, side by side, the tail shorter than 128 frames dropped.
// The settings travel in the dataset file's header and in every checkpoint, so `predict` always
// computes what the model was trained on.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "audio/features.h"
#include "framework/tensor.h"

namespace melgrad::gtzan {

struct FeatureSettings {
    int sample_rate = 22050;
    int n_fft = 2048;
    int hop_length = 512;
    int n_mels = 128;
    int chunk_frames = 128;
    std::string scale = "db";          // db | power
    std::string pad_mode = "constant"; // STFT centre padding, librosa's default since 0.10

    std::map<std::string, std::string> to_header() const;
    // From a dataset header or checkpoint metadata (keys optionally prefixed, e.g. "data.").
    // Every field is checked: a non-number or an out-of-range value is std::invalid_argument naming `source`
    // (the file) and the key, e.g. "runs/x/model.ckpt: 'data.n_mels' = 'abc' is not a whole number".
    static FeatureSettings from_header(const std::map<std::string, std::string>& h, const std::string& prefix = "",
                                       const std::string& source = "");
    void validate() const;  // throws std::invalid_argument naming the bad setting
    audio::FeatureParams audio_params() const;  // the same settings as the audio front end's parameters
};

// The scaled mel spectrogram, row-major n_mels x frames (frames returned in *frames).
std::vector<float> scaled_mel(const std::vector<float>& samples, const FeatureSettings& s, int* frames);
// The chunks of one clip (each n_mels x chunk_frames).
std::vector<std::vector<float>> clip_chunks(const std::vector<float>& samples, const FeatureSettings& s);

// Whether a model takes these chunks (1 x n_mels x chunk_frames) and has one output per genre: train, eval and
// predict all check it before the first forward pass. Errors start with `who` (the model or checkpoint) and
// name `data` (the dataset file, or the features a checkpoint records), e.g.
//   "runs/x/model.ckpt: the model has (10,) outputs but data/other.mgd lists 5 genres"
void check_model_fits_chunks(const Shape& model_input, const Shape& model_output, int n_mels, int chunk_frames,
                             size_t genres, const std::string& who, const std::string& data);

}  // namespace melgrad::gtzan
