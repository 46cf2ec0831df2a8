// Music theory for the synthetic styles: scales, chords, keys and a tempo grid with swing.
//
// Pitches are MIDI note numbers (60 = middle C, 69 = A4 = 440 Hz); frequency f = 440 * 2^((m - 69) / 12).
// Positions in a song are measured in beats (quarter notes); Grid turns a beat position into a sample index.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "framework/rng.h"

namespace melgrad::synth {

using Scale = std::vector<int>;  // semitone offsets from the tonic within one octave
extern const Scale kMajor, kMinor, kDorian, kMixolydian, kHarmonicMinor, kPhrygian;
extern const Scale kMajorPentatonic, kMinorPentatonic, kBlues;

using ChordShape = std::vector<int>;  // semitone offsets from the chord root
extern const ChordShape kMajorTriad, kMinorTriad, kPower, kDom7, kMaj7, kMin7, kDom9, kMin9, kMaj9;

float midi_to_hz(float midi);

// The `degree`-th note of `scale` above `tonic` (degree 0 = tonic; 7 in a 7-note scale is one octave up;
// negative degrees go down).
int scale_note(const Scale& scale, int tonic, int degree);

// The chord built on scale degree `degree` by stacking thirds inside the scale (notes = 3: triad, 4: seventh).
std::vector<int> diatonic_chord(const Scale& scale, int tonic, int degree, int notes = 3);

// MIDI notes of a chord: root + each offset of `shape`.
std::vector<int> chord_notes(int root, const ChordShape& shape);

// Where beats fall in samples. `swing` delays every off-beat eighth (or sixteenth, see swing_unit) by that
// fraction of a beat-unit pair: 0 = straight, 1/6 = triplet shuffle for eighths (the off-beat lands on the third
// triplet, 2/3 of the beat). `start_beat` shifts the clip so it does not begin
// on a downbeat (GTZAN clips are cut from the middle of songs).
struct Grid {
    int sr = 22050;
    double bpm = 120.0;
    double swing = 0.0;
    double swing_unit = 0.5;  // 0.5: swung eighths (jazz, blues); 0.25: swung sixteenths (hip hop)
    double start_beat = 0.0;

    double beat_seconds() const { return 60.0 / bpm; }
    // Sample index of a position in beats (may be negative or past the end; renderers skip what is outside).
    long at(double beats) const;
    // Number of whole bars (of `beats_per_bar`) needed to cover `seconds`, plus one for the start offset.
    int bars_for(double seconds, int beats_per_bar = 4) const;
};

// Small helpers on the clip's random stream so style code reads like a description.
inline float uniform(Rng& r, float lo, float hi) { return r.uniform(lo, hi); }
inline bool chance(Rng& r, float p) { return r.uniform() < p; }
inline int pick(Rng& r, int n) { return (int)r.below((uint64_t)n); }
template <class T> const T& pick_from(Rng& r, const std::vector<T>& items) { return items[(size_t)pick(r, (int)items.size())]; }

}  // namespace melgrad::synth
