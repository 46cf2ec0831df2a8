// Hip hop: swung boom-bap at 78-102 BPM: a kick pattern with syncopation, a hard snare on 2 and 4, hats with
// swung sixteenths, an 808-style sub bass under a one- or two-bar "sampled" loop (jazzy seventh chords on a dull,
// low-passed piano, e-piano or strings, as if lifted from a record), vinyl crackle, and a rapper: short formant
// syllables on a near-monotone.
#include "experiments/synth/song.h"

namespace melgrad::synth {

void render_hiphop(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 78.0f, 102.0f), swing = uniform(rng, 0.02f, 0.2f);
    s.set_tempo(bpm, swing, uniform(rng, 0.0f, 16.0f), 0.25);  // swung sixteenths
    const Scale& scale = chance(rng, 0.7f) ? kMinor : kDorian;
    const int tonic = 36 + pick(rng, 12);  // C2..B2: deep
    const int loop_bars = 1 + pick(rng, 2);
    static const std::vector<std::vector<int>> progressions = {{0, 3}, {0, 5}, {0, 0}, {3, 4}};
    const std::vector<int>& prog = pick_from(rng, progressions);

    KitSound sound;
    const bool boom808 = chance(rng, 0.5f);
    sound.kick_hz = uniform(rng, 45.0f, 60.0f);
    sound.kick_decay_s = boom808 ? uniform(rng, 0.4f, 0.8f) : uniform(rng, 0.15f, 0.3f);
    sound.snare_noise = uniform(rng, 0.6f, 0.9f);
    sound.snare_decay_s = uniform(rng, 0.15f, 0.3f);
    DrumKit kit = make_drum_kit(sound, rng, s.sr);
    static const char* kick_patterns[] = {"x.........x.....", "x......x..x.....", "x.x.......x..x..", "x.......x.x....."};
    const char* kick = kick_patterns[pick(rng, 4)];
    const char* hats = chance(rng, 0.5f) ? "x.x.x.x.x.x.x.x." : "xoxoxoxoxoxoxoxo";
    const int loop_kind = pick(rng, 3);  // 0 piano, 1 e-piano, 2 strings
    const bool rapper = chance(rng, 0.75f);
    const int rap_note = tonic + 12 + pick(rng, 12);

    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        const int chord_degree = prog[(size_t)(((bar / loop_bars) % 2 + 2) % 2)];
        const std::vector<int> chord = diatonic_chord(scale, tonic, chord_degree, 4);
        const double b0 = bar * 4.0;
        play_steps(s.drums, kit.kick, s.grid, bar, kick, 0.9f, rng, 6.0f);
        play_steps(s.drums, chance(rng, 0.3f) ? kit.clap : kit.snare, s.grid, bar, "....X.......X...", 0.8f, rng, 6.0f);
        play_steps(s.drums, kit.hat_closed, s.grid, bar, hats, 0.35f, rng, 6.0f);
        // Sub bass: a long note on the chord root under the first kick, a second one under the mid-bar kick.
        add_bass_sub(s.bass, s.at(b0), s.length(2.0), midi_to_hz((float)chord[0]), 0.9f, s.sr);
        add_bass_sub(s.bass, s.at(b0 + 2.5), s.length(1.2), midi_to_hz((float)chord[0]), 0.7f, s.sr);
        // The sampled loop: the chord on beat 1 and a stab on the "and" of 2.
        for (double pos : {0.0, 1.5}) {
            for (int n : chord) {
                float hz = midi_to_hz((float)(n + 24));
                long start = s.at(b0 + pos), len = s.length(pos == 0.0 ? 1.4 : 1.0);
                if (loop_kind == 0) add_piano(s.harmony, start, len, hz, 0.3f, s.sr);
                else if (loop_kind == 1) add_epiano(s.harmony, start, len, hz, 0.3f, s.sr);
                else add_strings(s.harmony, start, len, hz, 0.25f, s.sr);
            }
        }
        // Rap: sixteenth-note syllables in phrases, pitch wandering a few semitones around a speaking note.
        if (rapper && ((bar % 4) + 4) % 4 != 3)
            for (int i = 0; i < 16; i++)
                if (chance(rng, 0.65f)) {
                    // Three draws, in the order the clips were made with: vowel, pitch, length.
                    int vowel = pick(rng, 5);
                    float hz = midi_to_hz((float)(rap_note + pick(rng, 5) - 2));
                    long len = s.length(chance(rng, 0.7f) ? 0.18 : 0.4);
                    add_voice(s.lead, s.at(b0 + i * 0.25), len, hz, 0.6f, vowel,
                              Envelope{0.01f, 0.08f, 0.5f, 0.03f}, s.sr, Vibrato{});  // rapped: no vibrato
                }
    }
    lowpass(s.harmony, uniform(rng, 1200.0f, 4000.0f), s.sr);  // the sample was lifted from an old record
    s.drums_gain = uniform(rng, 0.7f, 1.0f);
    s.bass_gain = uniform(rng, 0.6f, 1.2f);
    s.harmony_gain = uniform(rng, 0.3f, 0.9f);
    s.lead_gain = uniform(rng, 0.5f, 1.0f);
    s.reverb_send = uniform(rng, 0.05f, 0.2f);
    s.target_rms = uniform(rng, 0.09f, 0.16f);
    set_recording(s, rng, 0.3f);
    if (chance(rng, 0.7f)) {  // vinyl crackle, the sound of the sampled record
        s.crackle_per_s = uniform(rng, 3.0f, 20.0f);
        s.crackle_level = uniform(rng, 0.03f, 0.15f);
    }
}

}  // namespace melgrad::synth
