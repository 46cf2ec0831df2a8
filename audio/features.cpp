#include "audio/features.h"

#include "audio/chunk.h"
#include "audio/db.h"

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
    if (p.scaling == Scaling::PowerMax) {
        normalize_max(f.mel);
    } else {
        f.mel = power_to_db(f.mel, DbRef::Max, 1e-10f, 80.0f);
        db_to_unit(f.mel, 80.0f);
    }
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

void check_finite_mel(const std::vector<float>& mel, int n_mels, int frames) {
    for (size_t i = 0; i < mel.size(); ++i) {
        if (std::isfinite(mel[i])) continue;
        throw std::runtime_error("the mel spectrogram is " + std::string(std::isnan(mel[i]) ? "NaN" : "infinite") +
                                 " at band " + std::to_string(i / size_t(frames)) + ", frame " +
                                 std::to_string(i % size_t(frames)) +
                                 " (samples too large for float power: |x| above about 1e17)");
    }
    (void)n_mels;
}

}  // namespace melgrad::audio
