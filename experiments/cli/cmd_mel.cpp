// melgrad mel: the mel spectrogram of one audio file, as a NumPy .npy (float32, n_mels x frames), so anyone
// can compare it with librosa.feature.melspectrogram.
#include <cstdio>
#include <stdexcept>

#include "audio/db.h"
#include "audio/decode.h"
#include "audio/features.h"
#include "audio/mel.h"
#include "audio/npy.h"
#include "experiments/cli/args.h"
#include "experiments/cli/command.h"

namespace melgrad::cli {
namespace {

int cmd_mel(const std::vector<std::string>& args) {
    Args a(args, "melgrad mel");
    const std::string out = a.option("-o", "--output", "");
    audio::LoadOptions load;
    load.sr = a.int_option("--sr", 22050);
    load.channel = a.int_option("--channel", -1);
    audio::StftParams stft;
    stft.n_fft = a.int_option("--n-fft", 2048);
    stft.hop_length = a.int_option("--hop-length", 512);
    stft.win_length = a.int_option("--win-length", 0);
    const std::string pad = a.option("--pad-mode", "constant");
    audio::MelParams mp;
    mp.n_mels = a.int_option("--n-mels", 128, 1, 1 << 16);
    mp.fmin = a.double_option("--fmin", 0.0);
    mp.fmax = a.double_option("--fmax", -1.0);
    mp.htk = a.flag("--htk");
    const std::string norm = a.option("--norm", "slaney");
    const bool db = a.flag("--db");
    const std::string ref = a.option("--ref", "1");
    const double top_db = a.double_option("--top-db", 80.0);
    const int threads = a.int_option("--threads", 1, 1, 1 << 16);
    const auto& files = a.finish();
    if (files.size() != 1) throw UsageError("expected one AUDIO file");
    if (out.empty()) throw UsageError("missing -o OUT.npy");
    if (norm != "slaney" && norm != "none") throw UsageError("--norm must be 'slaney' or 'none', got '" + norm + "'");
    if (ref != "1" && ref != "max") throw UsageError("--ref must be '1' or 'max', got '" + ref + "'");
    try {
        stft.pad_mode = audio::pad_mode_from_string(pad);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--pad-mode: ") + e.what());
    }
    mp.slaney_norm = norm == "slaney";
    mp.n_fft = stft.n_fft;
    const audio::Audio clip = audio::load_audio(files[0], load);
    mp.sr = clip.sample_rate;
    const audio::MelFilterbank fb = audio::mel_filterbank(mp);
    std::vector<float> mel = audio::melspectrogram(clip.samples.data(), clip.samples.size(), stft, fb, threads);
    const size_t frames = size_t(audio::stft_frames(clip.samples.size(), stft));
    try {
        audio::check_finite_mel(mel, mp.n_mels, int(frames));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(files[0] + ": " + e.what());
    }
    if (db) mel = audio::power_to_db(mel, ref == "max" ? audio::DbRef::Max : audio::DbRef::One, 1e-10f, float(top_db));
    audio::write_npy(out, mel.data(), {size_t(mp.n_mels), frames});
    std::fprintf(stderr, "%s: %zu samples at %d Hz (%d channel(s) in file) -> %s, %d x %zu mel%s\n", files[0].c_str(),
                 clip.samples.size(), clip.sample_rate, clip.channels_in_file, out.c_str(), mp.n_mels, frames,
                 db ? " (dB)" : " power");
    return 0;
}

MELGRAD_COMMAND("mel", "mel spectrogram of an audio file -> .npy (n_mels x frames, float32)",
                "usage: melgrad mel AUDIO -o OUT.npy [--sr 22050] [--channel -1] [--n-fft 2048] [--hop-length 512]\n"
                "       [--win-length N] [--n-mels 128] [--fmin 0] [--fmax SR/2] [--htk] [--norm slaney|none]\n"
                "       [--pad-mode constant|reflect] [--db [--ref 1|max] [--top-db 80]] [--threads 1]\n\n"
                "Loads AUDIO (WAV/AU by our readers, MP3/FLAC/OGG by libsndfile), mixes to mono (or keeps --channel k),\n"
                "resamples to --sr (0 keeps the file's rate) and writes librosa.feature.melspectrogram's result\n"
                "(power 2, center=True, periodic Hann), in dB with --db (librosa.power_to_db).",
                cmd_mel);

}  // namespace
}  // namespace melgrad::cli
