// The whole front end for one clip, as the data set needs it: file -> mono 22050 Hz -> mel power
// -> scaled to [0, 1] -> 128-frame chunks. Each step is one function of audio/ (see docs/01-audio.md).
#pragma once
#include <string>
#include <vector>

#include "audio/decode.h"
#include "audio/mel.h"
#include "audio/stft.h"

namespace melgrad::audio {

// The paper says "max normalized" without saying whether in dB, so both are offered:
//   PowerMax: S / max(S)                                    (most cells end up near 0)
//   DbMax:    power_to_db(S, ref=max, top_db=80) mapped to [0, 1] by 1 + dB/80   (the default)
// The maximum is taken over the whole clip, before chunking, so the chunks of one song share one scale.
enum class Scaling { PowerMax, DbMax };

// Both scalings depend on the song only through its loudest cell, max(S). So once that is known, any piece
// of the song can be scaled on its own, with the same result as scaling the whole (predict streams long
// songs this way: one pass finds the maximum, a second scales and predicts).
//   PowerMax: S / max(S)                                    (normalize_max)
//   DbMax:    clamp(1 + max(dB(S), dB(max(S)) - 80) / 80, 0, 1),  dB(S) = 10 log10(max(1e-10, S)) - 10 log10(ref)
//             (power_to_db(ref=max, top_db=80), then db_to_unit: audio/db.h)
class SongScale {
public:
    SongScale(Scaling scaling, float max_power);
    void apply(float* S, size_t n) const;

private:
    Scaling scaling_;
    float inv_max_ = 1.0f;                     // PowerMax
    float offset_db_ = 0.0f, floor_db_ = 0.0f;  // DbMax
};

struct FeatureParams {
    LoadOptions load;             // sr 22050, channels averaged
    StftParams stft;              // n_fft 2048, hop 512, periodic Hann, center, pad_mode constant
    MelParams mel;                // 128 Slaney mels, norm slaney (mel.sr and mel.n_fft are set from load/stft)
    Scaling scaling = Scaling::DbMax;
    int chunk_frames = 128;
    bool keep_chunks = true;      // false: only the scaled mel (predict cuts its chunks batch by batch)
};

struct ClipFeatures {
    int n_mels = 0, frames = 0;
    std::vector<float> mel;                  // scaled, row-major n_mels x frames
    std::vector<std::vector<float>> chunks;  // frames / chunk_frames chunks of n_mels x chunk_frames (tail dropped)
};

// Errors name the file (see load_audio). Safe to call from several threads at once.
ClipFeatures clip_features(const std::string& path, const FeatureParams& p = {});
// The same from samples already at p.load.sr.
// Non-finite mel values (float WAVs near 3e38 overflow the power) are an error, never NaN features.
ClipFeatures features_from_samples(const std::vector<float>& y, const FeatureParams& p = {});

// Throws std::runtime_error naming the band and frame of the first NaN or infinite value (mel holds frames
// first_frame .. first_frame + frames - 1 of a song, when it is one piece of it).
void check_finite_mel(const std::vector<float>& mel, int n_mels, int frames, long long first_frame = 0);

}  // namespace melgrad::audio
