// What our format readers (wav.h, au.h) return: decoded samples before any mixing or resampling.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/sample_format.h"

namespace melgrad::audio {

// Where a WAV or AU file keeps its samples, as its header says (checked against the file's size): what our
// readers find before decoding anything, so a long file can be decoded block by block (audio/pcm_source.h).
struct PcmLayout {
    int sample_rate = 0;
    int channels = 0;
    SampleFormat format = SampleFormat::S16;
    bool big_endian = false;   // AU: true, WAV: false
    size_t data_offset = 0;    // byte offset of the first sample in the file
    size_t frames = 0;         // whole frames in the data (a partial last frame is ignored)
    size_t frame_bytes() const { return size_t(bytes_per_sample(format)) * size_t(channels); }
};

struct PcmAudio {
    std::vector<float> interleaved;  // frames x channels, frame-major (L R L R ...), values in [-1, 1]
    int sample_rate = 0;
    int channels = 0;
    std::string encoding;  // e.g. "PCM 16-bit", "float 32-bit", "mu-law 8-bit": for messages and `melgrad info`
    size_t frames() const { return channels > 0 ? interleaved.size() / size_t(channels) : 0; }
};

// Decodes every frame of `layout` from the file's bytes (`file` points to the file's first byte).
PcmAudio decode_pcm(const uint8_t* file, const PcmLayout& layout);

}  // namespace melgrad::audio
