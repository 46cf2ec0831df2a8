// Our own RIFF/WAVE reader.
//
// A WAV file is "RIFF" <size> "WAVE" followed by chunks, each <4-char id> <u32 little-endian size> <data>,
// padded to an even length. We need two: "fmt " (format tag, channels, sample rate, bits per sample) and
// "data" (the interleaved samples); every other chunk (LIST, fact, cue, ...) is skipped.
// Supported: PCM 8 (unsigned) / 16 / 24 / 32-bit, IEEE float 32 / 64-bit, any number of channels, and
// WAVE_FORMAT_EXTENSIBLE (tag 0xFFFE, the real format in the first two bytes of its sub-format GUID).
// Every size in the file is checked against the file's real size before use, so a lying header gives an
// error, never a huge allocation. A partial last frame (fewer bytes than one frame) is ignored.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "audio/pcm.h"

namespace melgrad::audio {

bool looks_like_wav(const uint8_t* data, size_t size);  // starts with "RIFF" .... "WAVE"
// name is used in error messages ("NAME: WAV: ..."). wav_layout reads only the header and the chunk list
// (where the samples are); parse_wav decodes them all.
PcmLayout wav_layout(const uint8_t* data, size_t size, const std::string& name);
PcmAudio parse_wav(const uint8_t* data, size_t size, const std::string& name);

}  // namespace melgrad::audio
