#include "audio/features.h"

#include "audio/chunk.h"
#include "audio/db.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace melgrad::audio {

ClipFeatures features_from_samples(const std::vector<float>& y, const FeatureParams& p) {
    MelParams mp = p.mel;
    mp.sr = p.load.sr > 0 ? p.load.sr : mp.sr;
    mp.n_fft = p.stft.n_fft;
    const MelFilterbank fb = mel_filterbank(mp);  // ~2000 weights: cheap next to the FFTs
    ClipFeatures f;
    f.n_mels = mp.n_mels;
    f.frames = stft_frames(y.size(), p.stft);
    f.mel = melspectrogram(y.data(), y.size(), p.stft, fb, 1);
    check_finite_mel(f.mel, f.n_mels, f.frames);  // before scaling: an infinite maximum makes every cell NaN
    float max_power = 0.0f;
    for (float v : f.mel) max_power = std::max(max_power, v);
    SongScale(p.scaling, max_power).apply(f.mel.data(), f.mel.size());
    if (p.keep_chunks) f.chunks = chunk(f.mel, f.n_mels, f.frames, p.chunk_frames);
    return f;
}

ClipFeatures clip_features(const std::string& path, const FeatureParams& p) {
    const Audio a = load_audio(path, p.load);
    FeatureParams q = p;
    q.load.sr = a.sample_rate;  // sr = 0 keeps the file's rate
    try {
        return features_from_samples(a.samples, q);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

SongScale::SongScale(Scaling scaling, float max_power) : scaling_(scaling) {
    constexpr float kAmin = 1e-10f, kTopDb = 80.0f;  // librosa's power_to_db defaults
    if (scaling == Scaling::PowerMax) {
        inv_max_ = max_power > 0.0f ? 1.0f / max_power : 1.0f;  // a silent song stays all zero
    } else {
        // the same float operations as power_to_db(ref=max): the top cell's dB is 0 up to rounding, and
        // float log10 is monotonic, so max over the cells of dB(S) is dB(max(S))
        offset_db_ = float(10.0 * std::log10(std::max(double(kAmin), double(max_power))));
        floor_db_ = (10.0f * std::log10(std::max(kAmin, max_power)) - offset_db_) - kTopDb;
    }
}

void SongScale::apply(float* S, size_t n) const {
    constexpr float kAmin = 1e-10f, kTopDb = 80.0f;
    if (scaling_ == Scaling::PowerMax) {
        for (size_t i = 0; i < n; ++i) S[i] *= inv_max_;
        return;
    }
    for (size_t i = 0; i < n; ++i) {
        const float db = std::max(10.0f * std::log10(std::max(kAmin, S[i])) - offset_db_, floor_db_);
        S[i] = std::clamp(1.0f + db / kTopDb, 0.0f, 1.0f);
    }
}

void check_finite_mel(const std::vector<float>& mel, int n_mels, int frames, long long first_frame) {
    for (size_t i = 0; i < mel.size(); ++i) {
        if (std::isfinite(mel[i])) continue;
        throw std::runtime_error("the mel spectrogram is " + std::string(std::isnan(mel[i]) ? "NaN" : "infinite") +
                                 " at band " + std::to_string(i / size_t(frames)) + ", frame " +
                                 std::to_string(first_frame + (long long)(i % size_t(frames))) +
                                 " (samples too large for float power: |x| above about 1e17)");
    }
    (void)n_mels;
}

}  // namespace melgrad::audio
