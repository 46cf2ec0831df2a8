#include "experiments/synth/music.h"

#include <cmath>

#include "experiments/synth/portable_math.h"

namespace melgrad::synth {

const Scale kMajor = {0, 2, 4, 5, 7, 9, 11};
const Scale kMinor = {0, 2, 3, 5, 7, 8, 10};
const Scale kDorian = {0, 2, 3, 5, 7, 9, 10};
const Scale kMixolydian = {0, 2, 4, 5, 7, 9, 10};
const Scale kHarmonicMinor = {0, 2, 3, 5, 7, 8, 11};
const Scale kPhrygian = {0, 1, 3, 5, 7, 8, 10};
const Scale kMajorPentatonic = {0, 2, 4, 7, 9};
const Scale kMinorPentatonic = {0, 3, 5, 7, 10};
const Scale kBlues = {0, 3, 5, 6, 7, 10};  // minor pentatonic + the flat fifth "blue note"

const ChordShape kMajorTriad = {0, 4, 7};
const ChordShape kMinorTriad = {0, 3, 7};
const ChordShape kPower = {0, 7, 12};
const ChordShape kDom7 = {0, 4, 7, 10};
const ChordShape kMaj7 = {0, 4, 7, 11};
const ChordShape kMin7 = {0, 3, 7, 10};
const ChordShape kDom9 = {0, 4, 10, 14};  // 3rd, 7th, 9th: the fifth is left out, as jazz players do
const ChordShape kMin9 = {0, 3, 10, 14};
const ChordShape kMaj9 = {0, 4, 11, 14};

float midi_to_hz(float midi) { return (float)(440.0 * portable_exp2(((double)midi - 69.0) / 12.0)); }

int scale_note(const Scale& scale, int tonic, int degree) {
    const int n = (int)scale.size();
    int octave = degree >= 0 ? degree / n : -((-degree + n - 1) / n);
    int index = degree - octave * n;
    return tonic + 12 * octave + scale[(size_t)index];
}

std::vector<int> diatonic_chord(const Scale& scale, int tonic, int degree, int notes) {
    std::vector<int> chord;
    for (int k = 0; k < notes; k++) chord.push_back(scale_note(scale, tonic, degree + 2 * k));
    return chord;
}

std::vector<int> chord_notes(int root, const ChordShape& shape) {
    std::vector<int> notes;
    for (int offset : shape) notes.push_back(root + offset);
    return notes;
}

long Grid::at(double beats) const {
    // Swing as a time warp inside each pair of units (u = swing_unit, s = swing * 2u):
    // [0, u) -> [0, u + s), [u, 2u) -> [u + s, 2u), so on-beats stay put and off-beats come late.
    const double u = swing_unit, pair = 2.0 * swing_unit, s = swing * pair;
    double b = (beats - start_beat) / pair;
    double whole = std::floor(b);
    double frac = (b - whole) * pair;
    double warped = frac < u ? frac * (u + s) / u : u + s + (frac - u) * (u - s) / u;
    return std::lround((whole * pair + warped) * beat_seconds() * sr);
}

int Grid::bars_for(double seconds, int beats_per_bar) const {
    return (int)std::ceil((seconds / beat_seconds() + start_beat) / beats_per_bar) + 1;
}

}  // namespace melgrad::synth
