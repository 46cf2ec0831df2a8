#include "experiments/gtzan/features.h"

#include <stdexcept>

#include "audio/features.h"

namespace melgrad::gtzan {

std::map<std::string, std::string> FeatureSettings::to_header() const {
    return {{"sample_rate", std::to_string(sample_rate)}, {"n_fft", std::to_string(n_fft)},
            {"hop_length", std::to_string(hop_length)},   {"n_mels", std::to_string(n_mels)},
            {"chunk_frames", std::to_string(chunk_frames)}, {"scale", scale},
            {"pad_mode", pad_mode}};
}

FeatureSettings FeatureSettings::from_header(const std::map<std::string, std::string>& h, const std::string& prefix) {
    FeatureSettings s;
    auto get = [&](const char* key, auto& field) {
        auto it = h.find(prefix + key);
        if (it == h.end()) return;
        if constexpr (std::is_same_v<std::decay_t<decltype(field)>, int>) field = std::stoi(it->second);
        else field = it->second;
    };
    get("sample_rate", s.sample_rate);
    get("n_fft", s.n_fft);
    get("hop_length", s.hop_length);
    get("n_mels", s.n_mels);
    get("chunk_frames", s.chunk_frames);
    get("scale", s.scale);
    get("pad_mode", s.pad_mode);
    s.validate();
    return s;
}

void FeatureSettings::validate() const {
    if (scale != "db" && scale != "power") throw std::invalid_argument("scale must be db or power, got '" + scale + "'");
    if (sample_rate <= 0 || n_fft <= 0 || hop_length <= 0 || n_mels <= 0 || chunk_frames <= 0)
        throw std::invalid_argument("feature settings must be positive");
    audio::pad_mode_from_string(pad_mode);
}

// The settings as the audio front end's parameters (audio/features.h does the work).
static audio::FeatureParams to_params(const FeatureSettings& s) {
    audio::FeatureParams p;
    p.load.sr = s.sample_rate;
    p.stft.n_fft = s.n_fft;
    p.stft.hop_length = s.hop_length;
    p.stft.win_length = s.n_fft;
    p.stft.pad_mode = audio::pad_mode_from_string(s.pad_mode);
    p.mel.sr = s.sample_rate;
    p.mel.n_fft = s.n_fft;
    p.mel.n_mels = s.n_mels;
    p.scaling = s.scale == "db" ? audio::Scaling::DbMax : audio::Scaling::PowerMax;
    p.chunk_frames = s.chunk_frames;
    return p;
}

std::vector<float> scaled_mel(const std::vector<float>& samples, const FeatureSettings& s, int* frames) {
    audio::ClipFeatures f = audio::features_from_samples(samples, to_params(s));
    *frames = f.frames;
    return std::move(f.mel);
}

std::vector<std::vector<float>> clip_chunks(const std::vector<float>& samples, const FeatureSettings& s) {
    return audio::features_from_samples(samples, to_params(s)).chunks;
}

}  // namespace melgrad::gtzan
