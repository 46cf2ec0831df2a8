// Our own Sun/NeXT .au reader (the format of GTZAN's original release).
//
// Header, all big-endian u32: ".snd", data offset, data size (0xFFFFFFFF = up to the end of the file),
// encoding, sample rate, channels; then optional annotation text up to the data offset. Samples are
// big-endian and interleaved. Encodings: 1 mu-law, 2/3/4/5 linear 8/16/24/32-bit, 6 float, 7 double,
// 27 A-law. Sizes are checked against the file size (a lying header gives an error, not an allocation).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "audio/pcm.h"

namespace melgrad::audio {

bool looks_like_au(const uint8_t* data, size_t size);  // starts with ".snd"
PcmLayout au_layout(const uint8_t* data, size_t size, const std::string& name);  // the header only
PcmAudio parse_au(const uint8_t* data, size_t size, const std::string& name);

}  // namespace melgrad::audio
