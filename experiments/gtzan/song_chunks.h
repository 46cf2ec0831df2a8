// A song's chunks as the model sees them (1 x n_mels x chunk_frames, scaled), read from the file piece by
// piece, so that `melgrad predict` needs the same memory for a 10-hour file as for a 30 s clip.
//
// The scaling needs the song's loudest cell before the first chunk can be scaled (features.h: one scale
// per song, as in training). So the file is read twice:
//   pass 1 (the constructor): decode -> mel power, piece by piece: the loudest cell and the song's length;
//   pass 2 (next_batch):      decode -> mel power again, scaled with that maximum, cut into chunks.
// Both passes compute the same numbers (audio/mel_stream.h), so the chunks equal those of scaled_mel() on
// the whole song, bit for bit. A song of up to kKeepFrames frames (about 12 minutes) keeps pass 1's pieces
// and is not read again.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "audio/mel_stream.h"
#include "experiments/gtzan/features.h"

namespace melgrad::gtzan {

class SongChunks {
public:
    static constexpr long long kKeepFrames = 1 << 15;  // 16 MB of 128-band mel frames

    // Errors name the file: every error of audio::load_audio, and non-finite mel values. keep_frames: the
    // longest song whose pass-1 pieces are kept (tests set 0 to force a second pass on a short song).
    SongChunks(const std::string& path, const FeatureSettings& settings, int chunks_per_batch,
               long long keep_frames = kKeepFrames);
    int chunks() const { return chunks_; }  // whole chunks (the tail shorter than a chunk is dropped, as in training)
    double seconds() const { return seconds_; }
    // The next count <= chunks_per_batch chunks as count x 1 x n_mels x chunk_frames (x replaced); 0 after
    // the last chunk.
    int next_batch(std::vector<float>& x);

private:
    // One pass over the file: pieces of chunks_per_batch chunks' frames.
    struct Pass {
        Pass(const std::string& path, const audio::FeatureParams& p);
        audio::AudioStream audio;
        audio::MelFilterbank filterbank;
        audio::MelStream mel;
    };
    void find_scale();  // pass 1
    std::string path_;
    FeatureSettings settings_;
    audio::FeatureParams params_;
    int piece_frames_;
    long long keep_frames_;
    float max_power_ = 0.0f;
    int chunks_ = 0, chunks_done_ = 0;
    double seconds_ = 0;
    std::vector<std::vector<float>> kept_;  // pass 1's pieces (short songs); empty: read the file again
    size_t next_kept_ = 0;
    std::unique_ptr<Pass> pass2_;
    std::vector<float> piece_;
};

}  // namespace melgrad::gtzan
