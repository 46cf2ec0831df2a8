// Classical: no drums. A string ensemble, a solo piano (Alberti-bass arpeggios under a melody) or a chamber
// group (pizzicato strings and a flute), slow diatonic harmony, step-wise melodies, a big hall reverb and wide,
// slowly swelling dynamics. Quieter than every other style on average.
#include <cmath>

#include "experiments/synth/song.h"

namespace melgrad::synth {

void render_classical(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 56.0f, 132.0f);
    s.set_tempo(bpm, 0.0, uniform(rng, 0.0f, 32.0f));
    const bool minor = chance(rng, 0.4f);
    const Scale& scale = minor ? kHarmonicMinor : kMajor;
    const int tonic = 48 + pick(rng, 12);  // C3..B3
    // Progressions as scale degrees (0 = I); each chord lasts one or two bars.
    static const std::vector<std::vector<int>> progressions = {
        {0, 3, 4, 0}, {0, 5, 3, 4}, {0, 4, 5, 2, 3, 0, 3, 4}, {0, 1, 4, 0}, {5, 3, 0, 4}};
    const std::vector<int>& prog = pick_from(rng, progressions);
    const int bars_per_chord = 1 + pick(rng, 2);
    const int ensemble = pick(rng, 3);  // 0 strings, 1 piano, 2 chamber (pizzicato + flute)

    int degree = 7 + pick(rng, 5);  // melody: a random walk over the scale, an octave or two above the tonic
    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        const int chord_degree = prog[(size_t)(((bar / bars_per_chord) % (int)prog.size() + (int)prog.size()) %
                                               (int)prog.size())];
        const std::vector<int> chord = diatonic_chord(scale, tonic, chord_degree, 3);
        const double b0 = bar * 4.0;
        if (ensemble == 0) {
            // Sustained chord, bass an octave down (cellos), held for the whole bar.
            for (int n : chord) add_strings(s.harmony, s.at(b0), s.length(4.0), midi_to_hz((float)n), 0.35f, s.sr);
            add_strings(s.bass, s.at(b0), s.length(4.0), midi_to_hz((float)(chord[0] - 12)), 0.5f, s.sr);
        } else if (ensemble == 1) {
            // Alberti bass: low - high - middle - high, in eighths.
            static const int alberti[4] = {0, 2, 1, 2};
            for (int i = 0; i < 8; i++)
                add_piano(s.harmony, s.at(b0 + i * 0.5), s.length(0.5), midi_to_hz((float)chord[alberti[i % 4]]),
                          0.35f, s.sr);
            add_piano(s.bass, s.at(b0), s.length(2.0), midi_to_hz((float)(chord[0] - 12)), 0.4f, s.sr);
        } else {
            PluckedString guitar, low_string;  // nylon strings, fingered: dark
            guitar.brightness = 0.1f;
            guitar.sustain_s = 0.5f;
            low_string.brightness = 0.05f;
            low_string.sustain_s = 0.8f;
            for (int i = 0; i < 4; i++)
                add_pluck(s.harmony, s.at(b0 + i), s.length(0.4), midi_to_hz((float)chord[(size_t)(i % 3)]), 0.45f,
                          guitar, rng, s.sr);
            add_pluck(s.bass, s.at(b0), s.length(1.0), midi_to_hz((float)(chord[0] - 12)), 0.6f, low_string, rng, s.sr);
        }
        // Melody: quarter or half notes, mostly steps of one scale degree.
        for (double pos = 0.0; pos < 4.0;) {
            double dur = chance(rng, 0.5f) ? 1.0 : (chance(rng, 0.5f) ? 2.0 : 0.5);
            degree += pick(rng, 5) - 2;
            degree = degree < 5 ? 5 : degree > 15 ? 15 : degree;
            float hz = midi_to_hz((float)scale_note(scale, tonic, degree));
            long start = s.at(b0 + pos), len = s.length(dur * 0.95);
            if (ensemble == 1) add_piano(s.lead, start, len, hz, 0.5f, s.sr);
            else if (ensemble == 2) add_flute(s.lead, start, len, hz, 0.4f, s.sr);
            else add_strings(s.lead, start, len, hz, 0.4f, s.sr);
            pos += dur;
        }
    }
    // Wide dynamics: the whole ensemble swells and fades with a period of 6-20 s (from pp to ff).
    const float period_s = uniform(rng, 6.0f, 20.0f), depth = uniform(rng, 0.4f, 0.85f);
    const uint32_t step = phase_step(1.0 / period_s, s.sr);
    uint32_t phase = (uint32_t)rng.next_u64();
    for (long t = 0; t < s.n; t++, phase += step) {
        float g = 1.0f - depth * (0.5f + 0.5f * sine_at(phase));
        s.harmony[(size_t)t] *= g;
        s.bass[(size_t)t] *= g;
        s.lead[(size_t)t] *= g;
    }
    s.drums_gain = 0.0f;
    s.bass_gain = uniform(rng, 0.4f, 1.0f);
    s.harmony_gain = uniform(rng, 0.5f, 1.0f);
    s.lead_gain = uniform(rng, 0.4f, 1.0f);
    s.reverb_send = uniform(rng, 0.3f, 0.7f);
    s.reverb_room = uniform(rng, 0.8f, 0.9f);
    s.target_rms = uniform(rng, 0.03f, 0.11f);
    set_recording(s, rng, 0.4f);
}

}  // namespace melgrad::synth
