// A decoder read block by block: the interleaved samples of a file, a few thousand frames at a time, so
// that memory does not grow with the length of the song (a 10-hour file decodes in the same few MB as a
// 30 s clip). audio/decode.h builds mono, resampled audio on top of it.
//   WAV, AU     our own readers: the header is parsed (wav_layout / au_layout) in a read-only memory map of
//               the file, then each block is converted from the map and its pages are let go again
//   else        libsndfile (MP3, FLAC, OGG/Vorbis, Opus, AIFF, ...), which decodes block by block itself
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "audio/pcm.h"

namespace melgrad::audio {

class PcmSource {
public:
    virtual ~PcmSource() = default;
    // Up to max_frames frames (interleaved, channels() floats each) into out; 0 at the end of the file.
    // Throws std::runtime_error naming the file when decoding fails.
    virtual size_t read(float* out, size_t max_frames) = 0;
    int sample_rate() const { return sample_rate_; }
    int channels() const { return channels_; }
    const std::string& encoding() const { return encoding_; }  // e.g. "PCM 16-bit", for messages

protected:
    int sample_rate_ = 0, channels_ = 0;
    std::string encoding_;
};

// Opens `path` with the first decoder that recognises it: WAV and AU by their first bytes, anything else
// by libsndfile. Throws std::runtime_error naming the file: missing, a folder or device, empty, a header
// that lies about its sizes, zero channels, an unsupported encoding, not a recognised audio file.
std::unique_ptr<PcmSource> open_pcm(const std::string& path);

// The libsndfile one on its own (audio/sndfile_reader.cpp).
std::unique_ptr<PcmSource> open_with_sndfile(const std::string& path);

}  // namespace melgrad::audio
