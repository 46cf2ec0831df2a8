// Test helper: audio files written by libsndfile (FLAC, OGG/Vorbis, MP3, WAV, AU), so the readers are tested
// on files a real encoder made.
#pragma once
#include <sndfile.h>

#include <string>
#include <vector>

namespace melgrad::testing {

// Whether this libsndfile can write `format` (MP3 needs libsndfile >= 1.1): a test it cannot write is
// skipped with the reason, never passed silently.
inline bool sndfile_can_write(int format, int rate = 22050, int channels = 1) {
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    return sf_format_check(&info) != 0;
}

// Writes frames x channels interleaved samples; false when the format cannot be written or the file opened.
inline bool sndfile_write(const std::string& path, const std::vector<float>& interleaved, int rate, int channels,
                          int format) {
    if (!sndfile_can_write(format, rate, channels)) return false;
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) return false;
    sf_writef_float(f, interleaved.data(), sf_count_t(interleaved.size() / size_t(channels)));
    sf_close(f);
    return true;
}

}  // namespace melgrad::testing
