// melgrad predict reads a song in two streamed passes (experiments/gtzan/song_chunks.h): its chunks must be
// exactly the chunks of the whole song, and its memory must not grow with the song's length.
#include <doctest/doctest.h>
#include <malloc.h>

#include <cmath>

#include "audio/decode.h"
#include "experiments/gtzan/song_chunks.h"
#include "tests/audio/audio_test_files.h"

namespace gtzan = melgrad::gtzan;
namespace au = melgrad::audio;
namespace t = melgrad::audio::testing;

namespace {

// A mono 8-bit WAV of `seconds` at `rate`: a tone whose loudness drifts, so the loudest cell is somewhere late.
std::string write_u8_song(const std::string& name, int rate, double seconds) {
    t::Bytes data(size_t(seconds * rate));
    for (size_t i = 0; i < data.size(); ++i) {
        const double loud = 0.3 + 0.6 * std::sin(double(i) / data.size() * 3.0);
        data[i] = uint8_t(128 + std::lround(120 * loud * std::sin(0.07 * double(i)) * std::sin(0.0011 * double(i))));
    }
    return t::write_temp(name, t::riff({t::chunk("fmt ", t::fmt_body(1, 1, rate, 8)), t::chunk("data", data)}));
}

std::vector<float> all_chunks(gtzan::SongChunks& song, int* batches) {
    std::vector<float> all, x;
    *batches = 0;
    for (int count; (count = song.next_batch(x)) > 0; ++*batches) all.insert(all.end(), x.begin(), x.end());
    return all;
}

size_t heap_in_use() {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

}  // namespace

TEST_CASE("SongChunks: the streamed chunks equal clip_chunks of the whole song, kept or read twice") {
    const std::string path = write_u8_song("song chunks.wav", 16000, 20.0);  // resampled to 22050 Hz
    for (const char* scale : {"db", "power"}) {
        gtzan::FeatureSettings s;
        s.scale = scale;
        std::vector<float> whole;
        for (const auto& c : gtzan::clip_chunks(au::load_audio(path).samples, s)) whole.insert(whole.end(), c.begin(), c.end());
        REQUIRE(whole.size() == size_t(6) * 128 * 128);  // 20 s: 861 frames, 6 chunks
        for (long long keep : {gtzan::SongChunks::kKeepFrames, 0LL}) {
            gtzan::SongChunks song(path, s, 4, keep);
            CHECK(song.chunks() == 6);
            CHECK(song.seconds() == doctest::Approx(20.0).epsilon(1e-4));
            int batches = 0;
            CAPTURE(scale);
            CAPTURE(keep);
            CHECK(all_chunks(song, &batches) == whole);
            CHECK(batches == 2);  // 4 + 2 chunks
        }
    }
}

#if !defined(__SANITIZE_ADDRESS__)  // ASan keeps freed blocks in quarantine: the heap's size says nothing there
TEST_CASE("SongChunks: a 20-minute song is predicted in a few MB (memory independent of the song's length)") {
    const std::string path = write_u8_song("twenty minutes.wav", 8000, 20 * 60.0);  // 9.6 MB on disk
    gtzan::FeatureSettings s;
    const size_t before = heap_in_use();
    gtzan::SongChunks song(path, s, 32);
    CHECK(song.chunks() == 403);  // 51680 frames
    // Whole, the song would hold 106 MB of samples and a 26 MB mel spectrogram; streamed, one piece of each
    // (measured 18.5 MB: the sample window of 32 chunks, 8.4 MB, the mel piece, the batch, decoder blocks).
    size_t peak = 0;
    std::vector<float> x;
    while (song.next_batch(x) > 0) peak = std::max(peak, heap_in_use() - std::min(before, heap_in_use()));
    MESSAGE("heap in use while the chunks stream: " << peak / 1e6 << " MB above the start");
    CHECK(peak < size_t(32) << 20);
}
#endif
