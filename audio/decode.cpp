#include "audio/decode.h"

#include <cmath>
#include <stdexcept>

#include "audio/au.h"
#include "audio/file_bytes.h"
#include "audio/resample.h"
#include "audio/sndfile_reader.h"
#include "audio/wav.h"

namespace melgrad::audio {

std::vector<float> mix_to_mono(const std::vector<float>& x, int channels, int channel) {
    if (channels < 1) throw std::invalid_argument("mix_to_mono: zero channels");
    const size_t frames = x.size() / size_t(channels);
    std::vector<float> y(frames);
    if (channel >= 0) {
        for (size_t t = 0; t < frames; ++t) y[t] = x[t * channels + channel];
    } else if (channels == 1) {
        y.assign(x.begin(), x.begin() + frames);
    } else {
        const float inv = 1.0f / float(channels);
        for (size_t t = 0; t < frames; ++t) {
            float s = 0.0f;
            for (int c = 0; c < channels; ++c) s += x[t * channels + c];
            y[t] = s * inv;
        }
    }
    return y;
}

Audio load_audio(const std::string& path, const LoadOptions& opt) {
    if (opt.channel < -1) throw std::invalid_argument(path + ": channel must be -1 (average) or >= 0, got " + std::to_string(opt.channel));
    if (opt.sr < 0 || opt.sr > kMaxTargetRate)
        throw std::invalid_argument(path + ": target sample rate must be in 0.." + std::to_string(kMaxTargetRate) +
                                    ", got " + std::to_string(opt.sr));
    PcmAudio pcm;
    {
        const std::vector<uint8_t> bytes = read_file_bytes(path);  // missing / directory / empty errors
        if (looks_like_wav(bytes.data(), bytes.size()) || (bytes.size() >= 4 && std::string(bytes.begin(), bytes.begin() + 4) == "RIFF"))
            pcm = parse_wav(bytes.data(), bytes.size(), path);
        else if (looks_like_au(bytes.data(), bytes.size()))
            pcm = parse_au(bytes.data(), bytes.size(), path);
    }
    if (pcm.channels == 0) pcm = read_with_sndfile(path);
    if (pcm.channels < 1) throw std::runtime_error(path + ": zero channels");
    if (opt.channel >= pcm.channels)
        throw std::runtime_error(path + ": channel " + std::to_string(opt.channel) + " requested but the file has " +
                                 std::to_string(pcm.channels) + " channel(s)");
    if (pcm.frames() == 0) throw std::runtime_error(path + ": no audio samples (" + pcm.encoding + ", 0 frames)");
    for (size_t i = 0; i < pcm.interleaved.size(); ++i)
        if (!std::isfinite(pcm.interleaved[i]))
            throw std::runtime_error(path + ": sample " + std::to_string(i / pcm.channels) + " of channel " +
                                     std::to_string(i % pcm.channels) + " is " +
                                     (std::isnan(pcm.interleaved[i]) ? "NaN" : "infinite"));
    Audio a;
    a.channels_in_file = pcm.channels;
    a.sample_rate = pcm.sample_rate;
    if (pcm.channels == 1)  // already mono: move, not copy (a long song would briefly need twice its memory)
        a.samples = std::move(pcm.interleaved);
    else
        a.samples = mix_to_mono(pcm.interleaved, pcm.channels, opt.channel);
    if (opt.sr > 0 && opt.sr != pcm.sample_rate) {
        a.samples = resample(a.samples, pcm.sample_rate, opt.sr);
        a.sample_rate = opt.sr;
    }
    return a;
}

}  // namespace melgrad::audio
