#include "experiments/gtzan/features.h"

#include <stdexcept>

#include "audio/chunk.h"
#include "audio/db.h"
#include "audio/mel.h"
#include "audio/stft.h"

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

std::vector<float> scaled_mel(const std::vector<float>& samples, const FeatureSettings& s, int* frames, int threads) {
    audio::StftParams stft;
    stft.n_fft = s.n_fft;
    stft.hop_length = s.hop_length;
    stft.win_length = s.n_fft;
    stft.pad_mode = audio::pad_mode_from_string(s.pad_mode);
    audio::MelParams mp;
    mp.sr = s.sample_rate;
    mp.n_fft = s.n_fft;
    mp.n_mels = s.n_mels;
    static thread_local std::map<std::string, audio::MelFilterbank> cache;  // one filterbank per setting
    std::string key = std::to_string(s.sample_rate) + "/" + std::to_string(s.n_fft) + "/" + std::to_string(s.n_mels);
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, audio::mel_filterbank(mp)).first;
    std::vector<float> mel = audio::melspectrogram(samples.data(), samples.size(), stft, it->second, threads);
    *frames = audio::stft_frames(samples.size(), stft);
    if (s.scale == "db") {
        mel = audio::power_to_db(mel, audio::DbRef::Max, 1e-10f, 80.0f);
        audio::db_to_unit(mel, 80.0f);
    } else {
        audio::normalize_max(mel);
    }
    return mel;
}

std::vector<std::vector<float>> clip_chunks(const std::vector<float>& samples, const FeatureSettings& s, int threads) {
    int frames = 0;
    std::vector<float> mel = scaled_mel(samples, s, &frames, threads);
    return audio::chunk(mel, s.n_mels, frames, s.chunk_frames);
}

}  // namespace melgrad::gtzan
