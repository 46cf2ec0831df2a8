#include "experiments/gtzan/features.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <stdexcept>

#include "audio/features.h"

namespace melgrad::gtzan {

std::map<std::string, std::string> FeatureSettings::to_header() const {
    return {{"sample_rate", std::to_string(sample_rate)}, {"n_fft", std::to_string(n_fft)},
            {"hop_length", std::to_string(hop_length)},   {"n_mels", std::to_string(n_mels)},
            {"chunk_frames", std::to_string(chunk_frames)}, {"scale", scale},
            {"pad_mode", pad_mode}};
}

FeatureSettings FeatureSettings::from_header(const std::map<std::string, std::string>& h, const std::string& prefix,
                                             const std::string& source) {
    FeatureSettings s;
    const std::string where = source.empty() ? "" : source + ": ";
    auto get = [&](const char* key, auto& field) {
        auto it = h.find(prefix + key);
        if (it == h.end()) return;
        if constexpr (std::is_same_v<std::decay_t<decltype(field)>, int>) {
            const std::string& text = it->second;
            char* end = nullptr;
            errno = 0;
            const long v = std::strtol(text.c_str(), &end, 10);
            if (text.empty() || *end || errno == ERANGE || v < INT_MIN || v > INT_MAX || std::isspace((unsigned char)text[0]))
                throw std::invalid_argument(where + "'" + prefix + key + "' = '" + text.substr(0, 40) + "' is not a whole number");
            field = (int)v;
        } else {
            field = it->second;
        }
    };
    get("sample_rate", s.sample_rate);
    get("n_fft", s.n_fft);
    get("hop_length", s.hop_length);
    get("n_mels", s.n_mels);
    get("chunk_frames", s.chunk_frames);
    get("scale", s.scale);
    get("pad_mode", s.pad_mode);
    try {
        s.validate();
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where + prefix + e.what());
    }
    return s;
}

void FeatureSettings::validate() const {
    if (scale != "db" && scale != "power") throw std::invalid_argument("scale must be db or power, got '" + scale + "'");
    // The limits stop absurd allocations (a chunk of 10^8 frames), not unusual but sane choices.
    const struct { const char* name; int value, hi; } ranges[] = {
        {"sample_rate", sample_rate, audio::kMaxTargetRate}, {"n_fft", n_fft, audio::kMaxNfft},
        {"hop_length", hop_length, audio::kMaxNfft},         {"n_mels", n_mels, 4096},
        {"chunk_frames", chunk_frames, 65536}};  // the dataset file's own limits on chunk height and width
    for (const auto& r : ranges)
        if (r.value <= 0 || r.value > r.hi)
            throw std::invalid_argument(std::string(r.name) + " = " + std::to_string(r.value) + " is outside 1.." +
                                        std::to_string(r.hi));
    try {
        audio::pad_mode_from_string(pad_mode);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("pad_mode: ") + e.what());
    }
}

audio::FeatureParams FeatureSettings::audio_params() const {
    const FeatureSettings& s = *this;
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
    audio::FeatureParams p = s.audio_params();
    p.keep_chunks = false;  // the caller cuts the chunks it needs
    audio::ClipFeatures f = audio::features_from_samples(samples, p);
    *frames = f.frames;
    return std::move(f.mel);
}

std::vector<std::vector<float>> clip_chunks(const std::vector<float>& samples, const FeatureSettings& s) {
    return audio::features_from_samples(samples, s.audio_params()).chunks;
}

void check_model_fits_chunks(const Shape& model_input, const Shape& model_output, int n_mels, int chunk_frames,
                             size_t genres, const std::string& who, const std::string& data) {
    const Shape chunk = {1, n_mels, chunk_frames};
    if (model_input != chunk)
        throw std::invalid_argument(who + ": the model takes " + shape_str(model_input) + " but " + data +
                                    " holds chunks " + shape_str(chunk));
    if (model_output != Shape{(int)genres})
        throw std::invalid_argument(who + ": the model has " + shape_str(model_output) + " outputs but " + data +
                                    " lists " + std::to_string(genres) + " genres");
}

}  // namespace melgrad::gtzan
