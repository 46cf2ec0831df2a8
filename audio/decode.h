// From an audio file to mono float samples at the rate the model wants: librosa.load's job.
//   WAV, AU     our own readers (audio/wav.h, audio/au.h), recognised by their first bytes
//   anything else (MP3, FLAC, OGG, ...)   libsndfile (audio/sndfile_reader.h)
//   then: channels averaged to mono (or one kept), resampled with libsoxr HQ (audio/resample.h).
#pragma once
#include <string>
#include <vector>

namespace melgrad::audio {

constexpr int kMaxTargetRate = 768000;  // a target rate above this is refused (the resampled copy would be huge)

struct LoadOptions {
    int sr = 22050;    // target sample rate; 0 keeps the file's rate
    int channel = -1;  // -1: average all channels (librosa.load mono=True); k >= 0: keep channel k only
};

struct Audio {
    std::vector<float> samples;  // mono
    int sample_rate = 0;
    int channels_in_file = 0;
};

// Throws std::runtime_error naming the file and the problem: missing path, directory, empty file, truncated
// or lying header, zero channels, unsupported encoding, no samples, NaN or infinite samples, bad channel.
Audio load_audio(const std::string& path, const LoadOptions& opt = {});

// Interleaved frames x channels -> mono: the mean of the channels (channel < 0) or channel k.
std::vector<float> mix_to_mono(const std::vector<float>& interleaved, int channels, int channel = -1);

}  // namespace melgrad::audio
