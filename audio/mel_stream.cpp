#include "audio/mel_stream.h"

#include <algorithm>
#include <stdexcept>

namespace melgrad::audio {

MelStream::MelStream(AudioStream& audio, const StftParams& stft, const MelFilterbank& fb)
    : audio_(audio), stft_(stft), fb_(fb) {
    check_stft_params(stft_);
    if (fb.n_bins != stft.n_fft / 2 + 1)
        throw std::invalid_argument("MelStream: filterbank has " + std::to_string(fb.n_bins) + " bins but n_fft " +
                                    std::to_string(stft.n_fft) + " gives " + std::to_string(stft.n_fft / 2 + 1));
    pad_ = stft_.center ? size_t(stft_.n_fft / 2) : 0;
    start();
}

void MelStream::start() {
    // Enough of the song to build the head padding from (reflect mirrors samples 1 .. n_fft/2).
    std::vector<float> head;
    const size_t need = 2 * size_t(stft_.n_fft) + 2;
    while (head.size() < need && audio_.read(block_)) head.insert(head.end(), block_.begin(), block_.end());
    samples_ = head.size();
    if (head.size() < need) {  // the song has ended already: a short song is padded whole, as melspectrogram does
        window_ = pad_signal(head.data(), head.size(), stft_);
        ended_ = true;
        frames_ = stft_frames(samples_, stft_);
        const size_t reach = frames_ > 0 ? size_t(frames_ - 1) * stft_.hop_length + stft_.n_fft : 0;
        if (window_.size() < reach) window_.resize(reach, 0.0f);  // odd n_fft: the last frame reaches past
        return;
    }
    window_.assign(pad_, 0.0f);
    if (stft_.pad_mode == PadMode::Reflect)
        for (size_t i = 0; i < pad_; ++i) window_[i] = head[pad_ - i];  // y[-k] = y[k]: the edge is not repeated
    window_.insert(window_.end(), head.begin(), head.end());
}

void MelStream::finish_song() {
    ended_ = true;
    frames_ = stft_frames(samples_, stft_);
    const size_t reach = frames_ > 0 ? size_t(frames_ - 1) * stft_.hop_length + stft_.n_fft : 0;
    // padded index i holds y[i - pad]; past the end, zero or the mirror y[2(n-1) - k] (the last n_fft samples
    // are still in the window: see read())
    for (size_t i = window_end(); i < reach; ++i) {
        float v = 0.0f;
        if (stft_.pad_mode == PadMode::Reflect) {
            const size_t k = i - pad_;
            v = window_[2 * (samples_ - 1) - k + pad_ - window_start_];
        }
        window_.push_back(v);
    }
}

void MelStream::fill_until(size_t padded_end) {
    while (window_end() < padded_end && !ended_) {
        if (!audio_.read(block_)) {
            finish_song();
            return;
        }
        window_.insert(window_.end(), block_.begin(), block_.end());
        samples_ += block_.size();
    }
}

int MelStream::read(int max_frames, std::vector<float>& mel) {
    mel.clear();
    if (max_frames <= 0) return 0;
    const size_t hop = size_t(stft_.hop_length), n_fft = size_t(stft_.n_fft);
    const size_t first = size_t(next_frame_) * hop;  // padded index where the next frame starts
    fill_until(first + size_t(max_frames - 1) * hop + n_fft);
    long long count = max_frames;
    if (ended_) count = std::min<long long>(count, frames_ - next_frame_);
    else count = std::min<long long>(count, (long long)((window_end() - first - n_fft) / hop) + 1);
    if (count <= 0) return 0;
    StftParams inside = stft_;
    inside.center = false;  // the window already holds the padding
    const size_t len = size_t(count - 1) * hop + n_fft;
    mel = melspectrogram(window_.data() + (first - window_start_), len, inside, fb_, 1);
    next_frame_ += count;
    // Slide the window: keep from the next frame's start, and always the last n_fft + 2 samples (the tail's mirror).
    const size_t keep_from = std::min(size_t(next_frame_) * hop, window_end() > n_fft + 2 ? window_end() - n_fft - 2 : 0);
    if (keep_from > window_start_) {
        window_.erase(window_.begin(), window_.begin() + (keep_from - window_start_));
        window_start_ = keep_from;
    }
    return int(count);
}

}  // namespace melgrad::audio
