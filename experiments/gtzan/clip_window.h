// Which part of a song becomes training chunks. GTZAN's clips are 30 s (10 chunks each); a song of your own
// may be 4 minutes (~80 chunks), and one long album would then outweigh a folder of short clips. So
// preprocessing can keep a window of each file, with librosa.load's names:
//   offset     seconds skipped at the start (an intro, silence)
//   duration   seconds kept after the offset (0: to the end)
// and then at most max_chunks chunks of it, evenly spaced over the window.
// Cut after decoding and resampling, so offset and duration are exact at the model's sample rate.
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace melgrad::gtzan {

struct ClipWindow {
    double offset = 0;    // seconds
    double duration = 0;  // seconds, 0 = to the end of the file
    int max_chunks = 0;   // 0 = every chunk

    // The set fields as dataset header lines (offset=30 ...); nothing for the defaults, so a GTZAN dataset file
    // made without them stays byte for byte what it was.
    std::map<std::string, std::string> to_header() const;
    void validate() const;  // std::invalid_argument naming the flag
};

// The samples of [offset, offset + duration) at `sample_rate`; empty when the song ends before the offset.
std::vector<float> window_samples(const std::vector<float>& samples, int sample_rate, const ClipWindow& w);

// Which of `n` chunks to keep: all of them when max_chunks is 0 or n <= max_chunks, otherwise max_chunks
// indices, each the middle chunk of one of max_chunks equal stretches of the song.
std::vector<size_t> evenly_spaced_chunks(size_t n, int max_chunks);

}  // namespace melgrad::gtzan
