// WAV and AU readers and load_audio: every format variant, and every bad input gives an error naming the file.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "audio/au.h"
#include "audio/decode.h"
#include "audio/sample_format.h"
#include "audio/wav.h"
#include "tests/audio/audio_test_files.h"

namespace au = melgrad::audio;
using namespace melgrad::audio::testing;

namespace {

au::PcmAudio read_wav_bytes(const Bytes& b) { return au::parse_wav(b.data(), b.size(), "test.wav"); }
au::PcmAudio read_au_bytes(const Bytes& b) { return au::parse_au(b.data(), b.size(), "test.au"); }

// load_audio must throw, and the message must name the file and contain `problem`.
void check_load_error(const std::string& path, const std::string& problem, au::LoadOptions opt = {}) {
    CAPTURE(path);
    CAPTURE(problem);
    std::string msg;
    try {
        au::load_audio(path, opt);
    } catch (const std::exception& e) {
        msg = e.what();
    }
    CAPTURE(msg);
    CHECK(msg.find(path) != std::string::npos);
    CHECK(msg.find(problem) != std::string::npos);
}

}  // namespace

TEST_CASE("wav: PCM 8/16/24/32-bit samples scale like libsndfile (int / 2^(bits-1), 8-bit unsigned)") {
    Bytes d8 = {0, 128, 255};
    au::PcmAudio a = read_wav_bytes(riff({chunk("fmt ", fmt_body(1, 1, 8000, 8)), chunk("data", d8)}));
    REQUIRE(a.interleaved.size() == 3);
    CHECK(a.interleaved[0] == -1.0f);
    CHECK(a.interleaved[1] == 0.0f);
    CHECK(a.interleaved[2] == 127.0f / 128.0f);
    CHECK(a.sample_rate == 8000);

    Bytes d16;
    for (int v : {-32768, 0, 16384, 32767}) put_le(d16, uint16_t(int16_t(v)), 2);
    a = read_wav_bytes(riff({chunk("fmt ", fmt_body(1, 1, 22050, 16)), chunk("data", d16)}));
    REQUIRE(a.interleaved.size() == 4);
    CHECK(a.interleaved[0] == -1.0f);
    CHECK(a.interleaved[2] == 0.5f);
    CHECK(a.interleaved[3] == 32767.0f / 32768.0f);

    Bytes d24;
    for (int v : {-8388608, 4194304, -1}) put_le(d24, uint32_t(v) & 0xFFFFFF, 3);
    a = read_wav_bytes(riff({chunk("fmt ", fmt_body(1, 1, 22050, 24)), chunk("data", d24)}));
    REQUIRE(a.interleaved.size() == 3);
    CHECK(a.interleaved[0] == -1.0f);
    CHECK(a.interleaved[1] == 0.5f);
    CHECK(a.interleaved[2] == -1.0f / 8388608.0f);

    Bytes d32;
    for (int64_t v : {int64_t(INT32_MIN), int64_t(1) << 30}) put_le(d32, uint32_t(int32_t(v)), 4);
    a = read_wav_bytes(riff({chunk("fmt ", fmt_body(1, 1, 22050, 32)), chunk("data", d32)}));
    REQUIRE(a.interleaved.size() == 2);
    CHECK(a.interleaved[0] == -1.0f);
    CHECK(a.interleaved[1] == 0.5f);
}

TEST_CASE("wav: float 32/64-bit, stereo interleaving, extensible, unknown chunks and odd padding") {
    const std::vector<float> v = {0.25f, -0.5f, 0.75f, 1.0f};  // two stereo frames
    au::PcmAudio a = read_wav_bytes(riff({chunk("fmt ", fmt_body(3, 2, 44100, 32)), chunk("data", f32_bytes(v))}));
    CHECK(a.channels == 2);
    CHECK(a.frames() == 2);
    CHECK(a.interleaved == v);

    Bytes d64;
    for (double x : {0.125, -0.375}) {
        uint64_t u;
        std::memcpy(&u, &x, 8);
        put_le(d64, u, 8);
    }
    a = read_wav_bytes(riff({chunk("fmt ", fmt_body(3, 1, 44100, 64)), chunk("data", d64)}));
    CHECK(a.interleaved == std::vector<float>{0.125f, -0.375f});

    // WAVE_FORMAT_EXTENSIBLE with a 24-bit PCM and a float sub-format
    Bytes d24;
    for (int x : {4194304, -4194304}) put_le(d24, uint32_t(x) & 0xFFFFFF, 3);
    a = read_wav_bytes(riff({chunk("fmt ", fmt_extensible(1, 2, 48000, 24)), chunk("data", d24)}));
    CHECK(a.channels == 2);
    CHECK(a.interleaved == std::vector<float>{0.5f, -0.5f});
    a = read_wav_bytes(riff({chunk("fmt ", fmt_extensible(3, 2, 48000, 32)), chunk("data", f32_bytes(v))}));
    CHECK(a.interleaved == v);

    // unknown chunks before and after, one of odd size (padded to even): all skipped
    const Bytes odd = {'a', 'b', 'c'};
    a = read_wav_bytes(riff({chunk("LIST", odd), chunk("fmt ", fmt_body(3, 2, 44100, 32)), chunk("junk", {1}),
                             chunk("data", f32_bytes(v)), chunk("cue ", odd)}));
    CHECK(a.interleaved == v);

    // an odd-sized 8-bit data chunk followed by another chunk: the pad byte is not read as a chunk id
    a = read_wav_bytes(riff({chunk("fmt ", fmt_body(1, 1, 8000, 8)), chunk("data", {0, 128, 255}), chunk("LIST", odd)}));
    CHECK(a.interleaved.size() == 3);
    // fmt after data is fine too
    a = read_wav_bytes(riff({chunk("data", f32_bytes(v)), chunk("fmt ", fmt_body(3, 1, 100, 32))}));
    CHECK(a.interleaved == v);
}

TEST_CASE("au: big-endian linear 8/16/24/32, float, double, mu-law, A-law, annotation, unknown size") {
    Bytes d;
    for (int x : {-128, 64}) d.push_back(uint8_t(int8_t(x)));
    au::PcmAudio a = read_au_bytes(au_file(2, 8000, 1, d));
    CHECK(a.interleaved == std::vector<float>{-1.0f, 0.5f});

    d.clear();
    for (int x : {-32768, 16384, 1}) put_be(d, uint16_t(int16_t(x)), 2);
    a = read_au_bytes(au_file(3, 22050, 1, d, 32));  // 8 bytes of annotation
    CHECK(a.sample_rate == 22050);
    CHECK(a.interleaved == std::vector<float>{-1.0f, 0.5f, 1.0f / 32768.0f});

    d.clear();
    for (int x : {-8388608, 4194304}) put_be(d, uint32_t(x) & 0xFFFFFF, 3);
    CHECK(read_au_bytes(au_file(4, 22050, 1, d)).interleaved == std::vector<float>{-1.0f, 0.5f});

    d.clear();
    for (int64_t x : {int64_t(INT32_MIN), int64_t(1) << 30}) put_be(d, uint32_t(int32_t(x)), 4);
    CHECK(read_au_bytes(au_file(5, 22050, 1, d)).interleaved == std::vector<float>{-1.0f, 0.5f});

    d.clear();
    for (float x : {0.25f, -0.75f}) {
        uint32_t u;
        std::memcpy(&u, &x, 4);
        put_be(d, u, 4);
    }
    a = read_au_bytes(au_file(6, 22050, 2, d));
    CHECK(a.channels == 2);
    CHECK(a.interleaved == std::vector<float>{0.25f, -0.75f});

    d.clear();
    for (double x : {0.125, -0.5}) {
        uint64_t u;
        std::memcpy(&u, &x, 8);
        put_be(d, u, 8);
    }
    CHECK(read_au_bytes(au_file(7, 22050, 1, d)).interleaved == std::vector<float>{0.125f, -0.5f});

    // G.711 mu-law: 0xFF and 0x7F are the two zeros, 0x00 / 0x80 the extremes -32124 / +32124
    CHECK(au::mulaw_to_linear(0xFF) == 0);
    CHECK(au::mulaw_to_linear(0x7F) == 0);
    CHECK(au::mulaw_to_linear(0x00) == -32124);
    CHECK(au::mulaw_to_linear(0x80) == 32124);
    a = read_au_bytes(au_file(1, 8000, 1, {0x00, 0xFF, 0x80}, 24, 0xFFFFFFFF));  // size unknown: to end of file
    CHECK(a.interleaved == std::vector<float>{-32124.0f / 32768.0f, 0.0f, 32124.0f / 32768.0f});
    // G.711 A-law: 0xD5 -> +8, 0x55 -> -8, 0xAA -> +32256
    CHECK(au::alaw_to_linear(0xD5) == 8);
    CHECK(au::alaw_to_linear(0x55) == -8);
    CHECK(au::alaw_to_linear(0xAA) == 32256);
    CHECK(read_au_bytes(au_file(27, 8000, 1, {0xAA})).interleaved == std::vector<float>{32256.0f / 32768.0f});
}

TEST_CASE("load_audio: channels averaged like librosa.load, or one channel kept; native rate with sr=0") {
    const std::vector<float> v = {0.5f, -0.25f, 0.25f, 0.75f};
    const std::string path = write_temp("stereo.wav", riff({chunk("fmt ", fmt_body(3, 2, 8000, 32)), chunk("data", f32_bytes(v))}));
    au::LoadOptions opt;
    opt.sr = 0;
    au::Audio a = au::load_audio(path, opt);
    CHECK(a.sample_rate == 8000);
    CHECK(a.channels_in_file == 2);
    CHECK(a.samples == std::vector<float>{0.125f, 0.5f});
    opt.channel = 1;
    CHECK(au::load_audio(path, opt).samples == std::vector<float>{-0.25f, 0.75f});
    opt.channel = 2;
    check_load_error(path, "channel 2 requested", opt);
    // the same through an AU file
    Bytes d;
    for (float x : v) {
        uint32_t u;
        std::memcpy(&u, &x, 4);
        put_be(d, u, 4);
    }
    opt.channel = -1;
    CHECK(au::load_audio(write_temp("stereo.au", au_file(6, 8000, 2, d)), opt).samples == std::vector<float>{0.125f, 0.5f});
}

TEST_CASE("load_audio: resampling with soxr keeps a tone and gives ceil(n * sr_out / sr_in) samples") {
    const int sr_in = 44100, n = 44100;
    std::vector<float> y(n);
    for (int i = 0; i < n; ++i) y[i] = float(0.5 * std::sin(2 * M_PI * 1000.0 * i / sr_in));
    const std::string path = write_temp("tone44k.wav", riff({chunk("fmt ", fmt_body(3, 1, sr_in, 32)), chunk("data", f32_bytes(y))}));
    const au::Audio a = au::load_audio(path);  // default sr 22050
    CHECK(a.sample_rate == 22050);
    REQUIRE(a.samples.size() == 22050);
    // away from the edges the output is the same tone at 22050 Hz
    double worst = 0;
    for (int i = 1000; i < 21000; ++i)
        worst = std::max(worst, std::abs(a.samples[i] - 0.5 * std::sin(2 * M_PI * 1000.0 * i / 22050)));
    CHECK(worst < 1e-3);
}

TEST_CASE("load_audio: bad inputs give an error naming the file and the problem") {
    const Bytes fmt16 = chunk("fmt ", fmt_body(1, 1, 22050, 16));
    check_load_error(temp_dir() + "/no_such_file.wav", "does not exist");
    check_load_error(temp_dir(), "is a directory");
    check_load_error(write_temp("empty.wav", {}), "is empty");
    check_load_error(write_temp("short_riff.wav", {'R', 'I', 'F', 'F', 1, 0}), "truncated header");
    // data chunk claims more than the file holds, including a lying 4 GB size: an error, no huge allocation
    check_load_error(write_temp("past_eof.wav", riff({fmt16, chunk("data", {1, 2, 3, 4}, 1000)})), "data chunk claims 1000");
    check_load_error(write_temp("lying.wav", riff({fmt16, chunk("data", {1, 2}, 0xFFFFFFF0)})), "data chunk claims");
    check_load_error(write_temp("zero_ch.wav", riff({chunk("fmt ", fmt_body(1, 0, 22050, 16)), chunk("data", {1, 2})})),
                     "zero channels");
    check_load_error(write_temp("adpcm.wav", riff({chunk("fmt ", fmt_body(2, 1, 22050, 4)), chunk("data", {1, 2})})),
                     "unsupported encoding");
    check_load_error(write_temp("pcm12.wav", riff({chunk("fmt ", fmt_body(1, 1, 22050, 12)), chunk("data", {1, 2})})),
                     "unsupported encoding");
    check_load_error(write_temp("no_data.wav", riff({fmt16})), "no 'data' chunk");
    check_load_error(write_temp("no_fmt.wav", riff({chunk("data", {1, 2})})), "no 'fmt ' chunk");
    check_load_error(write_temp("no_samples.wav", riff({fmt16, chunk("data", {})})), "no audio samples");
    check_load_error(write_temp("bad_rate.wav", riff({chunk("fmt ", fmt_body(1, 1, 0, 16)), chunk("data", {1, 2})})),
                     "invalid sample rate");
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    check_load_error(write_temp("nan.wav", riff({chunk("fmt ", fmt_body(3, 1, 22050, 32)), chunk("data", f32_bytes({0.f, nan}))})),
                     "sample 1 of channel 0 is NaN");
    check_load_error(write_temp("inf.wav", riff({chunk("fmt ", fmt_body(3, 1, 22050, 32)), chunk("data", f32_bytes({inf}))})),
                     "is infinite");
    // AU
    check_load_error(write_temp("short.au", {'.', 's', 'n', 'd', 0, 0, 0, 24}), "truncated header");
    check_load_error(write_temp("past_eof.au", au_file(3, 22050, 1, {1, 2}, 24, 5000)), "runs past the end");
    check_load_error(write_temp("lying.au", au_file(3, 22050, 1, {1, 2}, 24, 0xFFFFFFF0)), "runs past the end");
    Bytes far_offset = au_file(3, 22050, 1, {1, 2});
    far_offset[4] = 0x7F;  // data offset ~2 GB
    check_load_error(write_temp("offset.au", far_offset), "data offset");
    check_load_error(write_temp("zero_ch.au", au_file(3, 22050, 0, {1, 2})), "zero channels");
    check_load_error(write_temp("g721.au", au_file(23, 8000, 1, {1, 2})), "unsupported encoding 23");
    check_load_error(write_temp("nan.au", au_file(6, 8000, 1, {0x7F, 0xC0, 0, 0})), "NaN");
    // neither WAV nor AU, and libsndfile cannot read it either
    // (a name ending in .mp3 would make libsndfile try its MP3 decoder, which prints notes to stderr)
    check_load_error(write_temp("text.bin", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'}), "libsndfile cannot read it");
}

#include <sndfile.h>

#include "tests/audio/sndfile_write.h"

namespace {

// Writes a stereo 44.1 kHz tone (L 440 Hz, R silent) through libsndfile in the given container/codec.
bool write_with_sndfile(const std::string& path, int format) {
    std::vector<float> buf(2 * 44100, 0.0f);
    for (int i = 0; i < 44100; ++i) buf[2 * i] = float(0.5 * std::sin(2 * M_PI * 440.0 * i / 44100));
    return melgrad::testing::sndfile_write(path, buf, 44100, 2, format);
}

// Writes the tone in `format`, reads it back with load_audio (libsndfile, then mono + soxr to 22050 Hz),
// and compares with the tone. Lossless FLAC is exact up to 16-bit rounding; lossy codecs are looser.
void check_codec_round_trip(const std::string& name, int format, double tolerance) {
    const std::string path = temp_dir() + "/" + name;
    REQUIRE(write_with_sndfile(path, format));
    const au::Audio a = au::load_audio(path);
    CHECK(a.sample_rate == 22050);
    CHECK(a.channels_in_file == 2);
    // the mean of (tone, silence) is half the tone; find the best alignment (codecs may add delay)
    // and compare the middle of the clip
    REQUIRE(a.samples.size() >= 20000);
    double best = 1e9;
    for (int lag = 0; lag < 3000; ++lag) {
        double worst = 0;
        for (int i = 5000; i < 15000 && worst < best; ++i)
            worst = std::max(worst, std::abs(a.samples[i + lag] - 0.25 * std::sin(2 * M_PI * 440.0 * i / 22050)));
        best = std::min(best, worst);
    }
    MESSAGE(name << ": worst error after alignment " << best);
    CHECK(best < tolerance);
}

// Whether this libsndfile can write a format (MP3 needs libsndfile >= 1.1): a test it cannot write is reported
// as skipped with the reason, never passed silently.
bool sndfile_can_write(int format) { return melgrad::testing::sndfile_can_write(format, 44100, 2); }
constexpr int kFlac = SF_FORMAT_FLAC | SF_FORMAT_PCM_16, kVorbis = SF_FORMAT_OGG | SF_FORMAT_VORBIS,
              kMp3 = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;

}  // namespace

TEST_CASE("load_audio: FLAC goes through libsndfile, then mono + soxr to 22050 Hz" *
          doctest::skip(!sndfile_can_write(kFlac)) * doctest::description("libsndfile here cannot write FLAC")) {
    check_codec_round_trip("tone.flac", kFlac, 1e-4);
}

TEST_CASE("load_audio: OGG/Vorbis goes through libsndfile, then mono + soxr to 22050 Hz" *
          doctest::skip(!sndfile_can_write(kVorbis)) * doctest::description("libsndfile here cannot write Vorbis")) {
    check_codec_round_trip("tone.ogg", kVorbis, 0.02);
}

TEST_CASE("load_audio: MP3 goes through libsndfile, then mono + soxr to 22050 Hz" *
          doctest::skip(!sndfile_can_write(kMp3)) * doctest::description("libsndfile here cannot write MP3 (< 1.1)")) {
    check_codec_round_trip("tone.mp3", kMp3, 0.02);
}
