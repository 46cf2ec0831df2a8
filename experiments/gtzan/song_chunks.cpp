#include "experiments/gtzan/song_chunks.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace melgrad::gtzan {

SongChunks::Pass::Pass(const std::string& path, const audio::FeatureParams& p)
    : audio(path, p.load), filterbank(audio::mel_filterbank(p.mel)), mel(audio, p.stft, filterbank) {}

SongChunks::SongChunks(const std::string& path, const FeatureSettings& settings, int chunks_per_batch,
                       long long keep_frames)
    : path_(path), settings_(settings), params_(settings.audio_params()),
      piece_frames_(std::max(1, chunks_per_batch) * settings.chunk_frames), keep_frames_(keep_frames) {
    find_scale();
}

void SongChunks::find_scale() {
    Pass pass(path_, params_);
    long long frames = 0;
    bool keep = true;
    for (int k; (k = pass.mel.read(piece_frames_, piece_)) > 0; frames += k) {
        try {
            audio::check_finite_mel(piece_, settings_.n_mels, k, frames);
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(path_ + ": " + e.what());
        }
        for (float v : piece_) max_power_ = std::max(max_power_, v);
        keep = keep && frames + k <= keep_frames_;
        if (keep) kept_.push_back(piece_);
        else kept_.clear();
    }
    chunks_ = int(std::min<long long>(frames / settings_.chunk_frames, 1 << 30));
    seconds_ = double(pass.mel.samples()) / settings_.sample_rate;
    if (!keep) kept_.clear();
}

int SongChunks::next_batch(std::vector<float>& x) {
    x.clear();
    if (chunks_done_ >= chunks_) return 0;
    const std::vector<float>* piece = nullptr;
    if (!kept_.empty()) {
        piece = &kept_[next_kept_++];
    } else {
        if (!pass2_) pass2_ = std::make_unique<Pass>(path_, params_);
        pass2_->mel.read(piece_frames_, piece_);
        piece = &piece_;
    }
    // The piece is row-major n_mels x frames; chunk j is its columns j*cf .. j*cf + cf - 1 of every band.
    const int n_mels = settings_.n_mels, cf = settings_.chunk_frames;
    const int frames = int(piece->size() / size_t(n_mels));
    const int count = std::min(frames / cf, chunks_ - chunks_done_);
    x.resize(size_t(count) * n_mels * cf);
    for (int j = 0; j < count; ++j)
        for (int m = 0; m < n_mels; ++m)
            std::memcpy(x.data() + (size_t(j) * n_mels + m) * cf, piece->data() + size_t(m) * frames + size_t(j) * cf,
                        size_t(cf) * sizeof(float));
    audio::SongScale(params_.scaling, max_power_).apply(x.data(), x.size());
    chunks_done_ += count;
    return count;
}

}  // namespace melgrad::gtzan
