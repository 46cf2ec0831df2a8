// Hostile parameters and files for the audio front end (issue 13): hop_length 0 (was SIGFPE), NaN
// frequencies (was an all-zero mel with exit 0), absurd rates and thread counts, a broken .au magic (was
// decoded as raw noise), float samples so loud that the power overflows (was an all-NaN mel), a .npy header
// that claims more data than the file holds, and outputs named /dev/full.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>

#include "audio/decode.h"
#include "audio/features.h"
#include "audio/mel.h"
#include "audio/npy.h"
#include "audio/stft.h"
#include "audio/test_signal.h"
#include "experiments/cli/command.h"
#include "tests/audio/audio_test_files.h"
#include "tests/error_message.h"

namespace au = melgrad::audio;
using namespace melgrad::audio::testing;

namespace {

using melgrad::testing::contains;
using melgrad::testing::error_of;

}  // namespace

TEST_CASE("audio parameters: hop_length 0, NaN frequencies and absurd sizes are refused before use") {
    au::StftParams p;
    p.hop_length = 0;
    CHECK(contains(error_of([&] { au::stft_frames(1000, p); }), "hop_length must be in 1..1048576, got 0"));
    p.hop_length = 512;
    p.n_fft = 1 << 30;
    CHECK(contains(error_of([&] { au::stft_frames(1000, p); }), "n_fft must be in 1..1048576"));
    au::MelParams mp;
    mp.fmin = std::nan("");
    CHECK(contains(error_of([&] { au::mel_filterbank(mp); }), "0 <= fmin < fmax (finite)"));
    mp.fmin = 0;
    mp.fmax = std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(au::mel_filterbank(mp), std::invalid_argument);
    mp.fmax = -1;
    mp.sr = 2147483647;
    CHECK_THROWS_AS(au::mel_filterbank(mp), std::invalid_argument);
    au::LoadOptions load;
    load.sr = 2147483647;  // resampling to it asked for 85 GB
    const std::string wav = write_temp("hostile_ok.wav", riff({chunk("fmt ", fmt_body(3, 1, 8000, 32)),
                                                                chunk("data", f32_bytes(std::vector<float>(800, 0.1f)))}));
    CHECK(contains(error_of([&] { au::load_audio(wav, load); }), "target sample rate must be in 0..768000"));
}

TEST_CASE("audio parameters: a huge thread count is clamped to the cores, with the same result") {
    const std::vector<float> y = au::synth_test_clip(22050, 22050);
    au::StftParams p;
    const au::MelFilterbank fb = au::mel_filterbank(au::MelParams{});
    CHECK(au::melspectrogram(y.data(), y.size(), p, fb, 100000) == au::melspectrogram(y.data(), y.size(), p, fb, 1));
}

TEST_CASE("audio files: only a file some decoder positively recognises is accepted") {
    // a 44-byte AU file whose magic is broken: libsndfile took it (by its .au name) for raw mu-law noise
    Bytes bad = au_file(3, 8000, 1, Bytes(20, 7));
    bad[3] = 'x';
    const std::string path = write_temp("broken_magic.au", bad);
    CHECK(contains(error_of([&] { au::load_audio(path); }), path + ": not a recognised audio file"));
}

TEST_CASE("audio files: float samples that overflow the power give an error, not an all-NaN mel") {
    const std::string path = write_temp("loud.wav", riff({chunk("fmt ", fmt_body(3, 1, 22050, 32)),
                                                          chunk("data", f32_bytes(std::vector<float>(44100, 3e38f)))}));
    const std::string msg = error_of([&] { au::clip_features(path); });
    CAPTURE(msg);
    CHECK(contains(msg, path + ": the mel spectrogram is NaN at band 0, frame 0"));
    CHECK(melgrad::cli::run_command({"mel", path, "-o", temp_dir() + "/loud.npy"}) == 1);
    CHECK(!std::ifstream(temp_dir() + "/loud.npy"));  // no output left behind
}

TEST_CASE(".npy files: a shape larger than the data is refused before allocating; writes are atomic") {
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }";
    bytes.push_back(char(header.size()));
    bytes.push_back(0);
    bytes += header + std::string(16, '\0');
    CHECK(contains(error_of([&] { au::parse_npy(bytes, "x.npy"); }), "x.npy: truncated .npy data"));
    CHECK(contains(error_of([&] { au::parse_npy(bytes.substr(0, 30), "x.npy"); }), "truncated .npy header"));
    const std::vector<float> v = {1, 2, 3};
    CHECK(contains(error_of([&] { au::write_npy("/dev/full", v.data(), {3}); }), "refusing to write over it"));
    const std::string wav = write_temp("short.wav", riff({chunk("fmt ", fmt_body(3, 1, 22050, 32)),
                                                          chunk("data", f32_bytes(std::vector<float>(4096, 0.1f)))}));
    CHECK(melgrad::cli::run_command({"mel", wav, "-o", "/dev/full"}) == 1);
    CHECK(melgrad::cli::run_command({"spectrogram", wav, "-o", "/dev/full"}) == 1);
    CHECK(melgrad::cli::run_command({"spectrogram", wav, "--hop-length", "0", "-o", temp_dir() + "/s.png"}) == 1);
    struct stat st;
    REQUIRE(::stat("/dev/full", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
}
