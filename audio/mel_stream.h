// The mel power spectrogram of a song read block by block (audio/decode.h AudioStream): the same numbers
// as melspectrogram() of the whole song, bit for bit, but only a few blocks of samples are ever in memory.
//
// Why it can be exact: frame t of the STFT sees only the padded samples [t*hop, t*hop + n_fft) (with
// center, the signal is padded by n_fft/2 at both ends, see audio/stft.h). So we keep a window of padded
// samples, compute the frames that lie inside it with center = false, and slide the window on. Only the
// two ends need care: the head padding is built from the first samples, the tail padding once the song
// ends (the last n_fft samples are always kept for it); a song shorter than two FFTs is padded whole.
#pragma once
#include <vector>

#include "audio/decode.h"
#include "audio/mel.h"
#include "audio/stft.h"

namespace melgrad::audio {

class MelStream {
public:
    // stft.n_fft must equal the filterbank's; `audio` and `fb` must outlive the stream.
    MelStream(AudioStream& audio, const StftParams& stft, const MelFilterbank& fb);
    // The next count <= max_frames frames as row-major n_mels x count (`mel` replaced); 0 at the end.
    int read(int max_frames, std::vector<float>& mel);
    size_t samples() const { return samples_; }  // samples of the song read so far (all of it, once read() gave 0)

private:
    void start();                       // the head padding, or the whole padded song when it is short
    void fill_until(size_t padded_end); // reads blocks until the window reaches padded_end, or the song ends
    void finish_song();                 // the tail padding, and from now on the number of frames is known
    size_t window_end() const { return window_start_ + window_.size(); }

    AudioStream& audio_;
    StftParams stft_;
    const MelFilterbank& fb_;
    size_t pad_ = 0;
    std::vector<float> window_;  // padded samples [window_start_, window_start_ + window_.size())
    size_t window_start_ = 0;
    size_t samples_ = 0;         // samples of the song read so far
    bool ended_ = false;
    long long frames_ = -1;      // the song's frame count, once it has ended
    long long next_frame_ = 0;
    std::vector<float> block_;
};

}  // namespace melgrad::audio
