// melgrad spectrogram / filterbank: pictures of the audio front end (paper Fig. 2).
#include <cmath>
#include <cstdio>

#include "audio/db.h"
#include "audio/decode.h"
#include "audio/mel.h"
#include "audio/npy.h"
#include "audio/stft.h"
#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/figures/heatmap.h"

namespace melgrad::cli {
namespace {

int cmd_spectrogram(const std::vector<std::string>& args) {
    Args a(args, "melgrad spectrogram");
    std::string out = a.option("-o", "--output", "spectrogram.png");
    bool db = a.flag("--db");
    bool linear = a.flag("--stft");
    std::string cmap = a.option("--cmap", "magma");
    int n_fft = a.int_option("--n-fft", 2048), hop = a.int_option("--hop-length", 512), n_mels = a.int_option("--n-mels", 128);
    double seconds = a.double_option("--seconds", 0);
    const auto& rest = a.finish();
    if (rest.size() != 1) throw UsageError("give one audio file, e.g. melgrad spectrogram song.wav -o spec.png --db");
    audio::Audio clip = audio::load_audio(rest[0]);
    if (seconds > 0 && seconds * clip.sample_rate < (double)clip.samples.size())  // compared as doubles: no overflow
        clip.samples.resize((size_t)(seconds * clip.sample_rate));
    audio::StftParams stft;
    stft.n_fft = n_fft;
    stft.hop_length = hop;
    stft.win_length = n_fft;
    int frames = audio::stft_frames(clip.samples.size(), stft);
    std::vector<float> S;
    int rows;
    figures::SpectrogramStyle style;
    style.map = figures::colormap_from_name(cmap);
    style.sample_rate = (float)clip.sample_rate;
    style.hop_length = hop;
    if (linear) {
        S = audio::power_spectrogram(clip.samples.data(), clip.samples.size(), stft, 1);
        rows = n_fft / 2 + 1;
        style.frequency = figures::SpectrogramStyle::Frequency::linear_hz;
        style.title = "STFT power spectrogram: " + rest[0];
    } else {
        audio::MelParams mp;
        mp.sr = clip.sample_rate;
        mp.n_fft = n_fft;
        mp.n_mels = n_mels;
        S = audio::melspectrogram(clip.samples.data(), clip.samples.size(), stft, audio::mel_filterbank(mp), 1);
        rows = n_mels;
        style.frequency = figures::SpectrogramStyle::Frequency::mel_hz;
        style.title = "mel spectrogram: " + rest[0];
    }
    style.db = db;
    if (db) S = audio::power_to_db(S, audio::DbRef::Max, 1e-10f, 80.0f);
    else audio::normalize_max(S);
    figures::render_spectrogram(S.data(), rows, frames, style).save_png(out);
    std::printf("wrote %s (%d x %d%s)\n", out.c_str(), rows, frames, db ? ", dB ref=max" : ", power / max");
    return 0;
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

int cmd_filterbank(const std::vector<std::string>& args) {
    Args a(args, "melgrad filterbank");
    std::string out = a.option("-o", "--output", "filterbank.png");
    audio::MelParams mp;
    mp.sr = a.int_option("--sr", 22050);
    mp.n_fft = a.int_option("--n-fft", 2048);
    mp.n_mels = a.int_option("--n-mels", 128);
    mp.htk = a.flag("--htk");
    a.finish_no_positional();
    const bool npy = ends_with(out, ".npy");
    if (!npy && !ends_with(out, ".png"))
        throw UsageError("-o " + out + ": give a .png (the picture) or a .npy (the weights, float32 n_mels x bins)");
    std::vector<float> dense = audio::mel_filterbank(mp).dense();
    const int bins = mp.n_fft / 2 + 1;
    if (npy) audio::write_npy(out, dense.data(), {size_t(mp.n_mels), size_t(bins)});
    else figures::render_filterbank(dense.data(), mp.n_mels, bins, (float)mp.sr).save_png(out);
    std::printf("wrote %s (%d mel bands x %d FFT bins)\n", out.c_str(), mp.n_mels, bins);
    return 0;
}

MELGRAD_COMMAND("spectrogram", "a song's mel (or --stft linear) spectrogram as a PNG with axes and colour bar",
                "usage: melgrad spectrogram AUDIO -o spec.png [--db] [--stft] [--cmap magma|viridis|gray]\n"
                "                           [--n-fft 2048] [--hop-length 512] [--n-mels 128] [--seconds S]\n\n"
                "Low frequencies at the bottom, time in seconds across, Hz on the mel axis; --db shows\n"
                "power_to_db(ref=max, top_db=80), otherwise power divided by its maximum.",
                cmd_spectrogram);
MELGRAD_COMMAND("filterbank", "the mel filterbank as a picture or a .npy (one row per triangular filter)",
                "usage: melgrad filterbank -o fb.png|fb.npy [--sr 22050] [--n-fft 2048] [--n-mels 128] [--htk]\n\n"
                "-o NAME.png draws the weights; -o NAME.npy writes them (float32, n_mels x n_fft/2+1) for NumPy.",
                cmd_filterbank);

}  // namespace
}  // namespace melgrad::cli
