#include "audio/sndfile_reader.h"

#include <sndfile.h>

#include <stdexcept>

namespace melgrad::audio {

PcmAudio read_with_sndfile(const std::string& path) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (!f)
        throw std::runtime_error(path + ": not a WAV or AU file, and libsndfile cannot read it either (" +
                                 sf_strerror(nullptr) + ")");
    struct Closer {
        SNDFILE* f;
        ~Closer() { sf_close(f); }
    } closer{f};
    // libsndfile takes a headerless file named *.au or *.snd for raw mu-law: that is a guess from the name,
    // not a recognised format (a broken '.snd' magic would decode as noise). Only real headers are accepted.
    if ((info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_RAW)
        throw std::runtime_error(path + ": not a recognised audio file (no valid WAV/AU/FLAC/OGG/MP3 header; "
                                        "libsndfile would only guess raw samples from the file name)");
    if (info.channels <= 0) throw std::runtime_error(path + ": zero channels");
    if (info.samplerate <= 0) throw std::runtime_error(path + ": invalid sample rate " + std::to_string(info.samplerate));
    PcmAudio out;
    out.channels = info.channels;
    out.sample_rate = info.samplerate;
    const int major = info.format & SF_FORMAT_TYPEMASK;
    SF_FORMAT_INFO fi{};
    fi.format = major;
    out.encoding = sf_command(f, SFC_GET_FORMAT_INFO, &fi, sizeof fi) == 0 && fi.name ? fi.name : "libsndfile";
    // Read in blocks instead of trusting info.frames: the header's frame count may lie.
    const sf_count_t block = 65536;
    std::vector<float> buf(size_t(block) * info.channels);
    for (;;) {
        const sf_count_t got = sf_readf_float(f, buf.data(), block);
        if (got <= 0) break;
        out.interleaved.insert(out.interleaved.end(), buf.begin(), buf.begin() + got * info.channels);
    }
    if (sf_error(f) != SF_ERR_NO_ERROR)
        throw std::runtime_error(path + ": decoding failed (" + sf_strerror(f) + ")");
    return out;
}

}  // namespace melgrad::audio
