// STFT framing and padding, mel scale, dB, normalisation, chunking, .npy, and the `melgrad mel` command.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "audio/chunk.h"
#include "audio/db.h"
#include "audio/mel.h"
#include "audio/npy.h"
#include "audio/stft.h"
#include "audio/window.h"
#include "experiments/cli/command.h"
#include "framework/rng.h"
#include "tests/audio/audio_test_files.h"

namespace au = melgrad::audio;

TEST_CASE("stft: 1 + len // hop frames with center=True (1292 for a 30 s clip), fewer without") {
    au::StftParams p;
    CHECK(au::stft_frames(661500, p) == 1292);
    CHECK(au::stft_frames(1500, p) == 3);
    CHECK(au::stft_frames(0, p) == 1);
    p.center = false;
    CHECK(au::stft_frames(661500, p) == 1 + (661500 - 2048) / 512);
    CHECK(au::stft_frames(1000, p) == 0);
}

TEST_CASE("stft: constant pads zeros, reflect mirrors without repeating the edge (numpy 'reflect')") {
    const std::vector<float> y = {1, 2, 3, 4, 5};
    au::StftParams p;
    p.n_fft = 8;
    std::vector<float> c = au::pad_signal(y.data(), y.size(), p);
    CHECK(c == std::vector<float>{0, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 0});
    p.pad_mode = au::PadMode::Reflect;
    c = au::pad_signal(y.data(), y.size(), p);
    CHECK(c == std::vector<float>{5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2, 1});
    p.n_fft = 16;  // pad 8 > len: the mirror repeats (period 2 (n - 1))
    c = au::pad_signal(y.data(), y.size(), p);
    CHECK(c == std::vector<float>{1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 4, 5});
}

TEST_CASE("stft: the batched power path equals |reference STFT|^2, any length and both pad modes") {
    melgrad::Rng rng(3);
    for (size_t n : {size_t(100), size_t(3000), size_t(11111)}) {
        std::vector<float> y(n);
        for (auto& v : y) v = rng.normal();
        for (au::PadMode mode : {au::PadMode::Constant, au::PadMode::Reflect}) {
            au::StftParams p;
            p.n_fft = 512;
            p.hop_length = 128;
            p.win_length = 400;
            p.pad_mode = mode;
            const std::vector<au::Cpx> ref = au::stft(y.data(), n, p);
            for (int threads : {1, 2}) {
                const std::vector<float> pw = au::power_spectrogram(y.data(), n, p, threads);
                REQUIRE(pw.size() == ref.size());
                double worst = 0, mx = 0;
                for (size_t i = 0; i < pw.size(); ++i) {
                    const double r = double(ref[i].re) * ref[i].re + double(ref[i].im) * ref[i].im;
                    worst = std::max(worst, std::abs(pw[i] - r));
                    mx = std::max(mx, r);
                }
                CHECK(worst <= 1e-5 * mx);
            }
        }
    }
}

TEST_CASE("mel: melspectrogram = dense filterbank x reference power spectrogram, any n_mels, 1 or 2 threads") {
    // n_mels 1, 7 and 130 leave bands over after the groups of four that the filterbank sums side by side;
    // n_fft 1024 (log2 of the complex size odd: a radix-2 stage, the plain pack) and the paper's 2048 (the
    // pack fused with the first radix-4 stage, and 16 consecutive frames at hop n_fft/4: the overlapping pack)
    melgrad::Rng rng(5);
    const size_t n = 20000;
    std::vector<float> y(n);
    for (auto& v : y) v = rng.normal();
    for (int n_fft : {1024, 2048}) {
        CAPTURE(n_fft);
        au::StftParams sp;
        sp.n_fft = n_fft;
        sp.hop_length = n_fft / 4;
        const std::vector<au::Cpx> s = au::stft(y.data(), n, sp);  // the plain reference path
        const int frames = au::stft_frames(n, sp), bins = sp.n_fft / 2 + 1;
        for (int n_mels : {1, 7, 64, 130}) {
            CAPTURE(n_mels);
            au::MelParams mp;
            mp.n_fft = sp.n_fft;
            mp.n_mels = n_mels;
            const au::MelFilterbank fb = au::mel_filterbank(mp);
            const std::vector<float> dense = fb.dense();
            std::vector<double> ref(size_t(n_mels) * frames, 0.0);
            double mx = 0;
            for (int i = 0; i < n_mels; ++i)
                for (int t = 0; t < frames; ++t) {
                    double acc = 0;
                    for (int k = 0; k < bins; ++k) {
                        const au::Cpx c = s[size_t(k) * frames + t];
                        acc += double(dense[size_t(i) * bins + k]) * (double(c.re) * c.re + double(c.im) * c.im);
                    }
                    ref[size_t(i) * frames + t] = acc;
                    mx = std::max(mx, acc);
                }
            const std::vector<float> one = au::melspectrogram(y.data(), n, sp, fb, 1);
            const std::vector<float> two = au::melspectrogram(y.data(), n, sp, fb, 2);
            REQUIRE(one.size() == ref.size());
            double worst = 0;
            for (size_t i = 0; i < ref.size(); ++i) worst = std::max(worst, std::abs(one[i] - ref[i]));
            CHECK(worst <= 1e-5 * mx);
            CHECK(one == two);
        }
    }
}

TEST_CASE("stft: the window and FFT plan of the fast path are built once per (n_fft, win_length)") {
    const au::PowerBatchPlan& a = au::power_batch_plan(512, 400);
    CHECK(&a == &au::power_batch_plan(512, 400));
    CHECK(&a != &au::power_batch_plan(512, 512));
    CHECK(a.fft.size() == 512);
    CHECK(a.window == au::hann_window(400, 512));
}

TEST_CASE("window: periodic Hann, centred in n_fft when shorter") {
    const std::vector<float> w = au::hann_window(4, 4);
    CHECK(w[0] == 0.0f);
    CHECK(w[1] == doctest::Approx(0.5));
    CHECK(w[2] == doctest::Approx(1.0));
    CHECK(w[3] == doctest::Approx(0.5));
    const std::vector<float> c = au::hann_window(4, 8);
    CHECK(c == std::vector<float>{0, 0, w[0], w[1], w[2], w[3], 0, 0});
    CHECK_THROWS(au::hann_window(9, 8));
}

TEST_CASE("mel: Slaney and HTK scales at known points, and mel_to_hz inverts hz_to_mel") {
    CHECK(au::hz_to_mel(1000.0) == doctest::Approx(15.0));
    CHECK(au::hz_to_mel(200.0) == doctest::Approx(3.0));
    CHECK(au::hz_to_mel(6400.0) == doctest::Approx(15.0 + 27.0));  // ln(6.4) / (ln(6.4)/27) = 27 mels above 1 kHz
    CHECK(au::hz_to_mel(1000.0, true) == doctest::Approx(2595.0 * std::log10(1.0 + 1000.0 / 700.0)));
    for (double f : {0.0, 50.0, 999.0, 1000.0, 4321.0, 11025.0})
        for (bool htk : {false, true}) CHECK(au::mel_to_hz(au::hz_to_mel(f, htk), htk) == doctest::Approx(f).epsilon(1e-12));
}

TEST_CASE("mel: sparse filterbank is triangular, with slaney area normalisation") {
    au::MelParams p;
    const au::MelFilterbank fb = au::mel_filterbank(p);
    CHECK(fb.n_mels == 128);
    CHECK(fb.n_bins == 1025);
    for (int i = 0; i < fb.n_mels; ++i) {
        CHECK(fb.first[i] <= fb.last[i]);  // no empty band at the paper's settings
        // area of band i in Hz is (f[i+2]-f[i])/2 * peak; with norm 'slaney' the peak is 2/(f[i+2]-f[i]),
        // so sum_k w * df ~ 1 (a Riemann sum: only rough for the narrow low bands)
        double area = 0;
        for (int k = fb.first[i]; k <= fb.last[i]; ++k) area += fb.weight(i, k) * (22050.0 / 2048);
        if (i > 40) CHECK(area == doctest::Approx(1.0).epsilon(0.05));
    }
    p.slaney_norm = false;
    const au::MelFilterbank raw = au::mel_filterbank(p);
    float peak = 0;
    for (float w : raw.weights) peak = std::max(peak, w);
    CHECK(peak <= 1.0f);
    CHECK(peak > 0.9f);
    p.fmax = 0;  // fmax <= fmin
    CHECK_THROWS(au::mel_filterbank(p));
}

TEST_CASE("db: power_to_db with ref 1 / max, amin floor, 80 dB top_db clip; normalize_max; db_to_unit") {
    const std::vector<float> s = {100.0f, 1.0f, 1e-3f, 1e-9f, 0.0f};
    std::vector<float> d = au::power_to_db(s, au::DbRef::One, 1e-10f, 80.0f);
    CHECK(d[0] == doctest::Approx(20.0));
    CHECK(d[1] == doctest::Approx(0.0));
    CHECK(d[2] == doctest::Approx(-30.0));
    CHECK(d[3] == doctest::Approx(-60.0));  // clipped at 20 - 80
    CHECK(d[4] == doctest::Approx(-60.0));
    d = au::power_to_db(s, au::DbRef::Max, 1e-10f, 0.0f);  // top_db 0: no clip
    CHECK(d[0] == doctest::Approx(0.0));
    CHECK(d[3] == doctest::Approx(-110.0));
    CHECK(d[4] == doctest::Approx(-120.0));  // amin
    std::vector<float> n = s;
    au::normalize_max(n);
    CHECK(n[0] == 1.0f);
    CHECK(n[1] == doctest::Approx(0.01));
    std::vector<float> zeros(3, 0.0f);
    au::normalize_max(zeros);
    CHECK(zeros == std::vector<float>(3, 0.0f));
    std::vector<float> u = {0.0f, -40.0f, -80.0f};
    au::db_to_unit(u, 80.0f);
    CHECK(u == std::vector<float>{1.0f, 0.5f, 0.0f});
}

TEST_CASE("chunk: non-overlapping 128-frame chunks, tail dropped (1292 frames -> 10 chunks)") {
    const int n_mels = 4, frames = 1292;
    std::vector<float> mel(size_t(n_mels) * frames);
    for (int i = 0; i < n_mels; ++i)
        for (int t = 0; t < frames; ++t) mel[size_t(i) * frames + t] = float(i * 10000 + t);
    const auto chunks = au::chunk(mel, n_mels, frames, 128);
    REQUIRE(chunks.size() == 10);
    for (int c = 0; c < 10; ++c)
        for (int i = 0; i < n_mels; ++i)
            for (int t = 0; t < 128; ++t) CHECK(chunks[c][size_t(i) * 128 + t] == float(i * 10000 + c * 128 + t));
    CHECK(au::chunk(std::vector<float>(4 * 127), 4, 127).empty());
    CHECK_THROWS(au::chunk(mel, n_mels, frames + 1));
}

TEST_CASE("npy: write then read gives the same shape and values") {
    const std::vector<float> v = {1.5f, -2.0f, 3.25f, 0.0f, 1e-20f, 7.0f};
    const std::string path = melgrad::audio::testing::temp_dir() + "/x.npy";
    au::write_npy(path, v.data(), {2, 3});
    const au::NpyArray a = au::read_npy(path);
    CHECK(a.shape == std::vector<size_t>{2, 3});
    CHECK(a.data == v);
    au::write_npy(path, v.data(), {6});
    CHECK(au::read_npy(path).shape == std::vector<size_t>{6});
}

TEST_CASE("melgrad mel: writes n_mels x frames .npy equal to melspectrogram of the loaded file") {
    using namespace melgrad::audio::testing;
    std::vector<float> y(22050);
    for (size_t i = 0; i < y.size(); ++i) y[i] = float(0.3 * std::sin(0.05 * double(i)));
    const std::string wav = write_temp("cli.wav", riff({chunk("fmt ", fmt_body(3, 1, 22050, 32)), chunk("data", f32_bytes(y))}));
    const std::string out = temp_dir() + "/cli_mel.npy";
    REQUIRE(melgrad::cli::run_command({"mel", wav, "-o", out, "--n-mels", "64", "--pad-mode", "reflect"}) == 0);
    const au::NpyArray a = au::read_npy(out);
    CHECK(a.shape == std::vector<size_t>{64, 44});
    au::MelParams mp;
    mp.n_mels = 64;
    au::StftParams sp;
    sp.pad_mode = au::PadMode::Reflect;
    CHECK(a.data == au::melspectrogram(y.data(), y.size(), sp, au::mel_filterbank(mp)));
    CHECK(melgrad::cli::run_command({"mel", wav + ".missing", "-o", out}) == 1);
    CHECK(melgrad::cli::run_command({"mel", wav, "-o", out, "--norm", "bogus"}) == 2);
}

TEST_CASE("stft: PaddedFrames gives every frame exactly as in the fully padded signal") {
    melgrad::Rng rng(5);
    for (size_t n : {size_t(1), size_t(7), size_t(600), size_t(5000), size_t(20001)})
        for (int n_fft : {16, 256})
            for (int hop : {5, 64, 300})
                for (au::PadMode mode : {au::PadMode::Constant, au::PadMode::Reflect})
                    for (bool center : {true, false}) {
                        CAPTURE(n);
                        CAPTURE(n_fft);
                        CAPTURE(hop);
                        std::vector<float> y(n);
                        for (auto& v : y) v = rng.normal();
                        au::StftParams p;
                        p.n_fft = n_fft;
                        p.hop_length = hop;
                        p.pad_mode = mode;
                        p.center = center;
                        const std::vector<float> padded = au::pad_signal(y.data(), n, p);
                        const au::PaddedFrames frames(y.data(), n, p);
                        bool same = true;
                        for (int t = 0; t < au::stft_frames(n, p); ++t)
                            same = same && std::equal(padded.begin() + size_t(t) * hop,
                                                      padded.begin() + size_t(t) * hop + n_fft, frames.frame(t));
                        CHECK(same);
                    }
}

#include "audio/features.h"

TEST_CASE("features: clip_features = load, mel, scale to [0, 1] over the clip, chunk") {
    using namespace melgrad::audio::testing;
    const int sr = 22050;
    std::vector<float> y(size_t(sr) * 7);  // 7 s: 302 frames -> 2 chunks, 46 frames dropped
    for (size_t i = 0; i < y.size(); ++i) y[i] = float(0.5 * std::sin(2 * M_PI * 440.0 * double(i) / sr) * (i < y.size() / 2 ? 1.0 : 0.01));
    const std::string path = write_temp("feat.wav", riff({chunk("fmt ", fmt_body(3, 1, sr, 32)), chunk("data", f32_bytes(y))}));
    for (au::Scaling scaling : {au::Scaling::DbMax, au::Scaling::PowerMax}) {
        au::FeatureParams p;
        p.scaling = scaling;
        const au::ClipFeatures f = au::clip_features(path, p);
        CHECK(f.n_mels == 128);
        CHECK(f.frames == 302);
        REQUIRE(f.chunks.size() == 2);
        float lo = 1, hi = 0;
        for (float v : f.mel) lo = std::min(lo, v), hi = std::max(hi, v);
        CHECK(hi == doctest::Approx(1.0f));
        CHECK(lo >= 0.0f);
        // chunk 1 is frames 128..255 of the scaled mel
        CHECK(f.chunks[1][5 * 128 + 7] == f.mel[size_t(5) * f.frames + 128 + 7]);
        // reference: the same steps by hand
        std::vector<float> mel = au::melspectrogram(y.data(), y.size(), au::StftParams{}, au::mel_filterbank({}));
        if (scaling == au::Scaling::PowerMax) {
            au::normalize_max(mel);
        } else {
            mel = au::power_to_db(mel, au::DbRef::Max);
            au::db_to_unit(mel);
        }
        CHECK(mel == f.mel);
    }
}
