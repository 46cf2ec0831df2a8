// From an audio file to mono float samples at the rate the model wants: librosa.load's job.
//   WAV, AU     our own readers (audio/wav.h, audio/au.h), recognised by their first bytes
//   anything else (MP3, FLAC, OGG, ...)   libsndfile (audio/sndfile_reader.cpp)
//   then: channels averaged to mono (or one kept), resampled with libsoxr HQ (audio/resample.h).
// AudioStream does it block by block (memory independent of the song's length: what `melgrad predict`
// uses); load_audio reads the whole file through it.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "audio/pcm_source.h"
#include "audio/resample.h"

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

// One file, block by block: the same samples as load_audio(path, opt).samples, in pieces of at most
// block_frames file frames each (resampling may make a piece a little longer or shorter).
class AudioStream {
public:
    AudioStream(const std::string& path, const LoadOptions& opt = {}, size_t block_frames = 65536);
    // The next piece (`block` is replaced); false at the end of the file, with `block` empty.
    // The same errors as load_audio, when the piece with the problem is reached.
    bool read(std::vector<float>& block);
    int sample_rate() const { return sample_rate_; }
    int channels_in_file() const { return source_->channels(); }

private:
    std::string path_;
    LoadOptions opt_;
    size_t block_frames_;
    std::unique_ptr<PcmSource> source_;
    std::unique_ptr<Resampler> resampler_;  // null: the file is at the target rate already
    int sample_rate_ = 0;
    size_t frames_read_ = 0;
    bool ended_ = false;
    std::vector<float> interleaved_;
};

// Interleaved frames x channels -> mono: the mean of the channels (channel < 0) or channel k.
std::vector<float> mix_to_mono(const std::vector<float>& interleaved, int channels, int channel = -1);

}  // namespace melgrad::audio
