// The mel filterbank built by hand in docs/01-audio.md ("A filterbank by hand"): sr 16000, n_fft 16, 4 mel
// bands, Slaney scale and norm (librosa's defaults). Every number of the chapter's tables is checked here
// against audio/mel.h, to the digits the chapter prints, so the tables cannot drift from the code.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "audio/mel.h"

using namespace melgrad::audio;

namespace {

// |printed - actual| within half a unit of the last printed digit.
void check_printed(double actual, double printed, int decimals) {
    CHECK(std::fabs(actual - printed) <= 0.5 * std::pow(10.0, -decimals) + 1e-12);
}

MelParams tiny() {
    MelParams p;
    p.sr = 16000;
    p.n_fft = 16;
    p.n_mels = 4;
    return p;
}

}  // namespace

TEST_CASE("book, chapter 1: the tiny filterbank's mel points, as the chapter prints them") {
    check_printed(hz_to_mel(1000.0), 15.0, 4);
    check_printed(hz_to_mel(8000.0), 45.2456, 4);
    const double mel_step = hz_to_mel(8000.0) / 5;  // 6 points evenly spaced: 5 steps
    const double mels[6] = {0.0, 9.0491, 18.0983, 27.1474, 36.1965, 45.2456};
    const double hz[6] = {0.0, 603.28, 1237.40, 2305.17, 4294.34, 8000.00};
    for (int i = 0; i < 6; i++) {
        INFO("point " << i);
        check_printed(i * mel_step, mels[i], 4);
        check_printed(mel_to_hz(i * mel_step), hz[i], 2);
    }
}

TEST_CASE("book, chapter 1: the tiny filterbank's triangles and Slaney weights, as the chapter prints them") {
    const MelFilterbank fb = mel_filterbank(tiny());
    REQUIRE(fb.n_mels == 4);
    REQUIRE(fb.n_bins == 9);  // bins 0..8 at k * 16000 / 16 = k * 1000 Hz
    const double step = hz_to_mel(8000.0) / 5;
    auto f = [&](int i) { return mel_to_hz(i * step); };
    // The chapter's tables: per band, its non-zero bins, the triangle's height there, the Slaney factor
    // 2 / (f[i+2] - f[i]) and the stored weight (in units of 1e-4).
    struct Cell { int band, bin; double triangle, weight_e4; };
    const Cell cells[] = {{0, 1, 0.3744, 6.051},
                          {1, 1, 0.6256, 7.352}, {1, 2, 0.2858, 3.359},
                          {2, 2, 0.7142, 4.673}, {2, 3, 0.6507, 4.257}, {2, 4, 0.1480, 0.968},
                          {3, 3, 0.3493, 1.227}, {3, 4, 0.8520, 2.992}, {3, 5, 0.8096, 2.843},
                          {3, 6, 0.5397, 1.895}, {3, 7, 0.2699, 0.948}};
    const double factor_e3[4] = {1.6163, 1.1752, 0.6542, 0.3512};  // 2 / (f[i+2] - f[i]), units of 1e-3
    const int first[4] = {1, 1, 2, 3}, last[4] = {1, 2, 4, 7};
    for (int i = 0; i < 4; i++) {
        INFO("band " << i);
        CHECK(fb.first[i] == first[i]);
        CHECK(fb.last[i] == last[i]);
        check_printed(2.0 / (f(i + 2) - f(i)) * 1e3, factor_e3[i], 4);
    }
    int nonzero = 0;
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 9; k++) nonzero += fb.weight(i, k) != 0.0f;
    CHECK(nonzero == 11);  // the cells below, and no others
    for (const Cell& c : cells) {
        INFO("band " << c.band << ", bin " << c.bin);
        const int i = c.band;
        const double fk = c.bin * 1000.0;
        const double triangle = std::fmin((fk - f(i)) / (f(i + 1) - f(i)), (f(i + 2) - fk) / (f(i + 2) - f(i + 1)));
        check_printed(triangle, c.triangle, 4);
        check_printed(fb.weight(i, c.bin) * 1e4, c.weight_e4, 3);
        check_printed(fb.weight(i, c.bin) / (2.0 / (f(i + 2) - f(i))), c.triangle, 4);  // weight = triangle · factor
    }
}

TEST_CASE("book, chapter 1: each band's weights add up to about 1 / (Hz between bins); the paper's bands are not empty") {
    const MelFilterbank fb = mel_filterbank(tiny());
    const double sum_e3[4] = {0.6051, 1.0711, 0.9898, 0.9905};  // units of 1e-3, as the chapter prints them
    for (int i = 0; i < 4; i++) {
        double sum = 0;
        for (int k = 0; k < fb.n_bins; k++) sum += fb.weight(i, k);
        INFO("band " << i);
        check_printed(sum * 1e3, sum_e3[i], 4);
    }
    // The paper's settings (22050 Hz, n_fft 2048, 128 mels): the narrowest band, at the bottom, spans
    // 2 mel steps = 51.6 Hz and catches 4 bins of 10.8 Hz.
    const MelFilterbank paper = mel_filterbank(MelParams{});
    int fewest = paper.n_bins;
    for (int i = 0; i < paper.n_mels; i++) fewest = std::min(fewest, paper.last[i] - paper.first[i] + 1);
    CHECK(fewest == 4);
    CHECK(paper.last[0] - paper.first[0] + 1 == 4);
    check_printed(mel_to_hz(2 * hz_to_mel(11025.0) / 129), 51.6, 1);
}
