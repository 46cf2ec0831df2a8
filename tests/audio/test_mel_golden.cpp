// Golden tests against librosa: fixtures written by tests/fixtures/make_librosa_fixtures.py (committed under
// tests/fixtures/librosa/), read here without Python.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "audio/db.h"
#include "audio/mel.h"
#include "audio/npy.h"

namespace au = melgrad::audio;

namespace {

const std::string kDir = "tests/fixtures/librosa/";

au::NpyArray load(const std::string& name) { return au::read_npy(kDir + name + ".npy"); }

struct Setting {
    std::string name;
    au::MelParams mel;
    au::StftParams stft;
};

Setting paper() {
    Setting s{"paper", {}, {}};  // defaults are the paper's: 22050 Hz, n_fft 2048, hop 512, 128 Slaney mels
    return s;
}

Setting htk() {
    Setting s{"htk", {}, {}};
    s.mel.sr = 16000;
    s.mel.n_fft = 512;
    s.mel.n_mels = 40;
    s.mel.fmin = 20;
    s.mel.fmax = 7600;
    s.mel.htk = true;
    s.mel.slaney_norm = false;
    s.stft.n_fft = 512;
    s.stft.hop_length = 160;
    return s;
}

// librosa's filterbank, rebuilt dense from its sparse fixture
std::vector<float> librosa_filterbank(const std::string& setting, int n_mels, int n_bins) {
    const au::NpyArray ranges = load("fb_" + setting + "_ranges"), weights = load("fb_" + setting + "_weights");
    REQUIRE(ranges.shape == std::vector<size_t>{size_t(n_mels), 2});
    std::vector<float> dense(size_t(n_mels) * n_bins, 0.0f);
    size_t pos = 0;
    for (int i = 0; i < n_mels; ++i)
        for (int k = int(ranges.data[2 * i]); k <= int(ranges.data[2 * i + 1]); ++k)
            dense[size_t(i) * n_bins + k] = weights.data.at(pos++);
    CHECK(pos == weights.data.size());
    return dense;
}

void check_melspectrogram(const std::string& signal, const Setting& s, const std::string& pad) {
    const std::string tag = s.name == "paper" ? signal + "_" + pad : signal + "_" + s.name + "_" + pad;
    CAPTURE(tag);
    const au::NpyArray y = load("sig_" + signal);
    au::StftParams stft = s.stft;
    stft.pad_mode = au::pad_mode_from_string(pad);
    const au::MelFilterbank fb = au::mel_filterbank(s.mel);
    const std::vector<float> ours = au::melspectrogram(y.data.data(), y.data.size(), stft, fb);
    const au::NpyArray ref = load("mel_" + tag);
    const int frames = au::stft_frames(y.data.size(), stft);
    REQUIRE(ref.shape == std::vector<size_t>{size_t(s.mel.n_mels), size_t(frames)});
    REQUIRE(ours.size() == ref.data.size());
    // power: relative error <= 1e-4 on every value above 1e-6 * max (smaller ones: absolute 1e-10 * max)
    const float mx = *std::max_element(ref.data.begin(), ref.data.end());
    double worst_rel = 0, worst_small = 0;
    for (size_t i = 0; i < ours.size(); ++i) {
        const double r = ref.data[i], d = std::abs(double(ours[i]) - r);
        if (r > 1e-6 * mx) worst_rel = std::max(worst_rel, d / r);
        else worst_small = std::max(worst_small, d);
    }
    MESSAGE(tag << " worst relative error " << worst_rel);
    CHECK(worst_rel <= 1e-4);
    CHECK(worst_small <= 1e-6 * mx + 1e-30);
    // dB, ref = 1.0 and ref = max: within 1e-3 dB everywhere
    for (const auto& [prefix, mode] : {std::pair{std::string("db1_"), au::DbRef::One}, std::pair{std::string("dbmax_"), au::DbRef::Max}}) {
        CAPTURE(prefix);
        const std::vector<float> db = au::power_to_db(ours, mode, 1e-10f, 80.0f);
        const au::NpyArray ref_db = load(prefix + tag);
        double worst_db = 0;
        for (size_t i = 0; i < db.size(); ++i) worst_db = std::max(worst_db, std::abs(double(db[i]) - ref_db.data[i]));
        MESSAGE(tag << " " << prefix << " worst dB error " << worst_db);
        CHECK(worst_db <= 1e-3);
    }
}

}  // namespace

TEST_CASE("mel golden: filterbank equals librosa.filters.mel (paper and htk/no-norm settings)") {
    for (const Setting& s : {paper(), htk()}) {
        CAPTURE(s.name);
        const au::MelFilterbank fb = au::mel_filterbank(s.mel);
        const std::vector<float> ours = fb.dense(), ref = librosa_filterbank(s.name, fb.n_mels, fb.n_bins);
        REQUIRE(ours.size() == ref.size());
        double worst = 0;
        for (size_t i = 0; i < ours.size(); ++i) worst = std::max(worst, std::abs(double(ours[i]) - ref[i]));
        CHECK(worst <= 1e-6);
    }
}

TEST_CASE("mel golden: melspectrogram and power_to_db equal librosa (4 signals, both pad modes)") {
    for (const char* pad : {"constant", "reflect"}) {
        for (const char* signal : {"sines_noise", "chirp", "silence", "short"}) check_melspectrogram(signal, paper(), pad);
        check_melspectrogram("chirp", htk(), pad);
    }
}
