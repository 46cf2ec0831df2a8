// Reading a song block by block (audio/pcm_source.h, AudioStream, Resampler, MelStream) gives the same
// numbers as reading it whole, bit for bit: that is what lets `melgrad predict` stream a song of any length.
#include <doctest/doctest.h>
#include <sndfile.h>

#include <cmath>
#include <random>

#include "audio/au.h"
#include "audio/db.h"
#include "audio/decode.h"
#include "audio/features.h"
#include "audio/file_bytes.h"
#include "audio/mel_stream.h"
#include "audio/wav.h"
#include "tests/audio/audio_test_files.h"
#include "tests/audio/sndfile_write.h"

namespace au = melgrad::audio;
using au::testing::temp_dir;

namespace {

// A tone in noise, frames x channels interleaved, written by libsndfile in `format`.
std::string write_song(const std::string& name, int format, int rate, int channels, double seconds) {
    const std::string path = temp_dir() + "/" + name;
    const size_t frames = size_t(seconds * rate);
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    std::vector<float> x(frames * channels);
    for (size_t t = 0; t < frames; ++t)
        for (int c = 0; c < channels; ++c) x[t * channels + c] = float(0.4 * std::sin(0.03 * t * (c + 1))) + noise(rng);
    REQUIRE(melgrad::testing::sndfile_write(path, x, rate, channels, format));
    return path;
}

// The whole-file pipeline, step by step, without streaming: decode all, mix all, resample in one shot.
std::vector<float> whole_file_samples(const std::string& path, int sr) {
    au::PcmAudio pcm;
    const std::vector<uint8_t> bytes = au::read_file_bytes(path);
    if (au::looks_like_wav(bytes.data(), bytes.size())) {
        pcm = au::parse_wav(bytes.data(), bytes.size(), path);
    } else if (au::looks_like_au(bytes.data(), bytes.size())) {
        pcm = au::parse_au(bytes.data(), bytes.size(), path);
    } else {  // libsndfile, all at once
        SF_INFO info{};
        SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
        REQUIRE(f);
        pcm.channels = info.channels;
        pcm.sample_rate = info.samplerate;
        pcm.interleaved.resize(size_t(info.frames) * info.channels);
        sf_readf_float(f, pcm.interleaved.data(), info.frames);
        sf_close(f);
    }
    return au::resample(au::mix_to_mono(pcm.interleaved, pcm.channels), pcm.sample_rate, sr);
}

std::vector<float> streamed_samples(const std::string& path, int sr, size_t block_frames) {
    au::LoadOptions opt;
    opt.sr = sr;
    au::AudioStream stream(path, opt, block_frames);
    std::vector<float> all, block;
    while (stream.read(block)) all.insert(all.end(), block.begin(), block.end());
    return all;
}

}  // namespace

TEST_CASE("Resampler: block by block equals the one-shot resample, sample for sample") {
    std::mt19937 rng(1);
    std::normal_distribution<float> d(0.0f, 0.2f);
    for (const auto& [sr_in, n, block] : std::vector<std::tuple<int, size_t, size_t>>{
             {44100, 100000, 1000}, {8000, 30011, 4097}, {48000, 5000, 1}, {11025, 70000, 65536}}) {
        std::vector<float> y(n);
        for (float& v : y) v = d(rng);
        au::Resampler r(sr_in, 22050);
        std::vector<float> out;
        for (size_t i = 0; i < n; i += block) r.process(y.data() + i, std::min(block, n - i), out);
        r.finish(out);
        CAPTURE(sr_in);
        CAPTURE(block);
        CHECK(out == au::resample(y, sr_in, 22050));
    }
}

TEST_CASE("AudioStream: any block size gives the whole-file samples (WAV, AU, FLAC; mixed and resampled)") {
    const std::string wav = write_song("stream float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 2, 2.3);
    const std::string au_path = write_song("stream.au", SF_FORMAT_AU | SF_FORMAT_PCM_16, 8000, 1, 2.0);
    const std::string flac = write_song("stream.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 2, 1.7);
    for (const std::string& path : {wav, au_path, flac}) {
        const std::vector<float> whole = whole_file_samples(path, 22050);
        REQUIRE(whole.size() > 30000);
        for (size_t block : {size_t(1000), size_t(4093), size_t(1) << 20}) {
            CAPTURE(path);
            CAPTURE(block);
            CHECK(streamed_samples(path, 22050, block) == whole);
        }
        CHECK(au::load_audio(path).samples == whole);
    }
    // at the file's own rate: no resampler, the decoded samples themselves
    CHECK(streamed_samples(au_path, 0, 777) == whole_file_samples(au_path, 8000));
}

TEST_CASE("AudioStream: a NaN sample deep in the file is named by its position when its block is reached") {
    std::vector<float> v(50000, 0.1f);
    v[43210] = NAN;
    const std::string path = au::testing::write_temp("late nan.wav",
        au::testing::riff({au::testing::chunk("fmt ", au::testing::fmt_body(3, 1, 22050, 32)),
                           au::testing::chunk("data", au::testing::f32_bytes(v))}));
    au::AudioStream stream(path, {}, 1000);
    std::vector<float> block;
    for (int i = 0; i < 43; ++i) REQUIRE(stream.read(block));  // the first 43000 samples are fine
    CHECK_THROWS_WITH(stream.read(block), (path + ": sample 43210 of channel 0 is NaN").c_str());
}

TEST_CASE("MelStream: the frames of a song read in pieces equal melspectrogram of the whole song") {
    const std::string wav = write_song("mel stream.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 22050, 1, 3.05);
    const std::vector<float> y = au::load_audio(wav).samples;
    for (au::PadMode pad : {au::PadMode::Constant, au::PadMode::Reflect})
        for (bool center : {true, false})
            for (int n_fft : {2048, 512}) {
                au::StftParams stft;
                stft.n_fft = n_fft;
                stft.hop_length = n_fft / 4;
                stft.center = center;
                stft.pad_mode = pad;
                au::MelParams mp;
                mp.n_fft = n_fft;
                mp.n_mels = 40;
                const au::MelFilterbank fb = au::mel_filterbank(mp);
                for (size_t length : {y.size(), size_t(100), size_t(2 * n_fft + 1), size_t(5 * n_fft)}) {
                    const std::vector<float> part(y.begin(), y.begin() + length);
                    const std::string path = au::testing::write_temp("mel stream part.wav",
                        au::testing::riff({au::testing::chunk("fmt ", au::testing::fmt_body(3, 1, 22050, 32)),
                                           au::testing::chunk("data", au::testing::f32_bytes(part))}));
                    const int frames = au::stft_frames(length, stft);
                    const std::vector<float> whole = au::melspectrogram(part.data(), length, stft, fb);
                    for (int piece : {1, 7, 128, 100000}) {
                        au::AudioStream audio(path, {}, 333);
                        au::MelStream mel(audio, stft, fb);
                        std::vector<float> got(whole.size(), -1.0f), block;
                        int t = 0;
                        for (int k; (k = mel.read(piece, block)) > 0; t += k)
                            for (int m = 0; m < mp.n_mels; ++m)
                                for (int j = 0; j < k && t + j < frames; ++j)
                                    got[size_t(m) * frames + t + j] = block[size_t(m) * k + j];
                        CAPTURE(n_fft);
                        CAPTURE(center);
                        CAPTURE(int(pad));
                        CAPTURE(length);
                        CAPTURE(piece);
                        CHECK(t == frames);
                        CHECK(got == whole);
                        CHECK(mel.samples() == length);
                    }
                }
            }
}

TEST_CASE("SongScale: scaling with the song's maximum, applied to any piece, equals power_to_db / normalize_max") {
    std::mt19937 rng(3);
    std::lognormal_distribution<float> d(-6.0f, 4.0f);  // a power spectrogram's spread: some 100 dB
    std::vector<float> S(20000);
    for (float& v : S) v = d(rng);
    S[123] = 0.0f;  // silence: below amin
    float mx = 0.0f;
    for (float v : S) mx = std::max(mx, v);

    std::vector<float> expected = au::power_to_db(S, au::DbRef::Max, 1e-10f, 80.0f);
    au::db_to_unit(expected, 80.0f);
    std::vector<float> got = S;
    const au::SongScale db(au::Scaling::DbMax, mx);
    db.apply(got.data(), 7000);  // in two pieces
    db.apply(got.data() + 7000, got.size() - 7000);
    CHECK(got == expected);

    expected = S;
    au::normalize_max(expected);
    got = S;
    au::SongScale(au::Scaling::PowerMax, mx).apply(got.data(), got.size());
    CHECK(got == expected);
}
