// Every format that is not WAV or AU (MP3, FLAC, OGG/Vorbis, Opus, AIFF, ...) goes through libsndfile,
// a well-kept C library (Debian: libsndfile1; MP3 needs version >= 1.1 built with mpg123).
#pragma once
#include <string>

#include "audio/pcm.h"

namespace melgrad::audio {

PcmAudio read_with_sndfile(const std::string& path);

}  // namespace melgrad::audio
