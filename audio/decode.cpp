#include "audio/decode.h"

#include <cmath>
#include <stdexcept>

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

AudioStream::AudioStream(const std::string& path, const LoadOptions& opt, size_t block_frames)
    : path_(path), opt_(opt), block_frames_(block_frames > 0 ? block_frames : 1) {
    if (opt.channel < -1)
        throw std::invalid_argument(path + ": channel must be -1 (average) or >= 0, got " + std::to_string(opt.channel));
    if (opt.sr < 0 || opt.sr > kMaxTargetRate)
        throw std::invalid_argument(path + ": target sample rate must be in 0.." + std::to_string(kMaxTargetRate) +
                                    ", got " + std::to_string(opt.sr));
    source_ = open_pcm(path);  // missing / directory / empty / unrecognised errors
    const int channels = source_->channels();
    if (channels < 1) throw std::runtime_error(path + ": zero channels");
    if (opt.channel >= channels)
        throw std::runtime_error(path + ": channel " + std::to_string(opt.channel) + " requested but the file has " +
                                 std::to_string(channels) + " channel(s)");
    sample_rate_ = source_->sample_rate();
    if (opt.sr > 0 && opt.sr != sample_rate_) {
        resampler_ = std::make_unique<Resampler>(sample_rate_, opt.sr);
        sample_rate_ = opt.sr;
    }
}

bool AudioStream::read(std::vector<float>& block) {
    block.clear();
    const int channels = source_->channels();
    while (block.empty() && !ended_) {
        interleaved_.resize(block_frames_ * size_t(channels));
        const size_t got = source_->read(interleaved_.data(), block_frames_);
        if (got == 0) {
            ended_ = true;
            if (frames_read_ == 0)
                throw std::runtime_error(path_ + ": no audio samples (" + source_->encoding() + ", 0 frames)");
            if (resampler_) resampler_->finish(block);
            break;
        }
        interleaved_.resize(got * size_t(channels));
        for (size_t i = 0; i < interleaved_.size(); ++i)
            if (!std::isfinite(interleaved_[i]))
                throw std::runtime_error(path_ + ": sample " + std::to_string(frames_read_ + i / channels) +
                                         " of channel " + std::to_string(i % channels) + " is " +
                                         (std::isnan(interleaved_[i]) ? "NaN" : "infinite"));
        frames_read_ += got;
        std::vector<float> mixed;
        if (channels > 1) mixed = mix_to_mono(interleaved_, channels, opt_.channel);
        const std::vector<float>& mono = channels > 1 ? mixed : interleaved_;
        if (resampler_) resampler_->process(mono.data(), mono.size(), block);
        else block.assign(mono.begin(), mono.end());
    }
    return !block.empty();
}

Audio load_audio(const std::string& path, const LoadOptions& opt) {
    AudioStream stream(path, opt);
    Audio a;
    a.sample_rate = stream.sample_rate();
    a.channels_in_file = stream.channels_in_file();
    std::vector<float> block;
    while (stream.read(block)) a.samples.insert(a.samples.end(), block.begin(), block.end());
    return a;
}

}  // namespace melgrad::audio
