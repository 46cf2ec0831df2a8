// Every format that is not WAV or AU (MP3, FLAC, OGG/Vorbis, Opus, AIFF, ...) goes through libsndfile,
// a well-kept C library (Debian: libsndfile1; MP3 needs version >= 1.1 built with mpg123).
#include <sndfile.h>

#include <stdexcept>

#include "audio/pcm_source.h"

namespace melgrad::audio {

namespace {

class SndfileSource : public PcmSource {
public:
    explicit SndfileSource(const std::string& path) : path_(path) {
        SF_INFO info{};
        file_ = sf_open(path.c_str(), SFM_READ, &info);
        if (!file_)
            throw std::runtime_error(path + ": not a WAV or AU file, and libsndfile cannot read it either (" +
                                     sf_strerror(nullptr) + ")");
        try {
            check(info);
        } catch (...) {
            sf_close(file_);
            throw;
        }
        channels_ = info.channels;
        sample_rate_ = info.samplerate;
        SF_FORMAT_INFO fi{};
        fi.format = info.format & SF_FORMAT_TYPEMASK;
        encoding_ = sf_command(file_, SFC_GET_FORMAT_INFO, &fi, sizeof fi) == 0 && fi.name ? fi.name : "libsndfile";
    }
    ~SndfileSource() override { sf_close(file_); }

    // Block by block until libsndfile has no more: the header's frame count is not trusted (it may lie).
    size_t read(float* out, size_t max_frames) override {
        const sf_count_t got = sf_readf_float(file_, out, sf_count_t(max_frames));
        if (sf_error(file_) != SF_ERR_NO_ERROR)
            throw std::runtime_error(path_ + ": decoding failed (" + sf_strerror(file_) + ")");
        return got > 0 ? size_t(got) : 0;
    }

private:
    void check(const SF_INFO& info) const {
        // libsndfile takes a headerless file named *.au or *.snd for raw mu-law: that is a guess from the name,
        // not a recognised format (a broken '.snd' magic would decode as noise). Only real headers are accepted.
        if ((info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_RAW)
            throw std::runtime_error(path_ + ": not a recognised audio file (no valid WAV/AU/FLAC/OGG/MP3 header; "
                                             "libsndfile would only guess raw samples from the file name)");
        if (info.channels <= 0) throw std::runtime_error(path_ + ": zero channels");
        if (info.samplerate <= 0)
            throw std::runtime_error(path_ + ": invalid sample rate " + std::to_string(info.samplerate));
    }
    std::string path_;
    SNDFILE* file_ = nullptr;
};

}  // namespace

std::unique_ptr<PcmSource> open_with_sndfile(const std::string& path) { return std::make_unique<SndfileSource>(path); }

}  // namespace melgrad::audio
