// Disco: four-on-the-floor at 110-132 BPM: kick on every beat, open hi-hat on every off-beat, clap on 2 and 4,
// an octave-jumping bass in eighths, string pads or stabs, a muted "chicken scratch" guitar, minor-seventh
// vamps, bright modern sound.
#include "experiments/synth/song.h"

namespace melgrad::synth {

void render_disco(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 110.0f, 132.0f);
    s.set_tempo(bpm, 0.0, uniform(rng, 0.0f, 16.0f));
    const bool dorian = chance(rng, 0.6f);
    const Scale& scale = dorian ? kDorian : kMajor;
    const int tonic = 40 + pick(rng, 12);
    static const std::vector<std::vector<int>> progressions = {{0, 3}, {0, 0, 3, 4}, {1, 4, 0, 0}, {0, 5, 1, 4}};
    const std::vector<int>& prog = pick_from(rng, progressions);
    const int bars_per_chord = 1 + pick(rng, 2);

    KitSound sound;
    sound.kick_hz = uniform(rng, 50.0f, 62.0f);
    sound.kick_decay_s = uniform(rng, 0.18f, 0.3f);
    sound.hat_brightness = uniform(rng, 0.6f, 1.0f);
    DrumKit kit = make_drum_kit(sound, rng, s.sr);
    const bool clap = chance(rng, 0.6f), synth_bass = chance(rng, 0.5f), strings = chance(rng, 0.6f);
    const bool scratch = chance(rng, 0.6f), singer = chance(rng, 0.45f);
    const float bass_cutoff = uniform(rng, 500.0f, 1500.0f);

    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        int idx = ((bar / bars_per_chord) % (int)prog.size() + (int)prog.size()) % (int)prog.size();
        const std::vector<int> chord = diatonic_chord(scale, tonic, prog[(size_t)idx], 4);
        const double b0 = bar * 4.0;
        play_steps(s.drums, kit.kick, s.grid, bar, "x...x...x...x...", 0.85f, rng, 1.0f);
        play_steps(s.drums, clap ? kit.clap : kit.snare, s.grid, bar, "....x.......x...", 0.6f, rng, 1.0f);
        play_steps(s.drums, kit.hat_open, s.grid, bar, "..x...x...x...x.", 0.45f, rng, 1.0f);
        play_steps(s.drums, kit.hat_closed, s.grid, bar, "x.o.x.o.x.o.x.o.", 0.3f, rng, 1.0f);
        // Octave bass: low root, high root, in eighths.
        for (int i = 0; i < 8; i++) {
            float hz = midi_to_hz((float)(chord[0] + (i % 2 ? 12 : 0)));
            if (synth_bass) add_bass_synth(s.bass, s.at(b0 + i * 0.5), s.length(0.4), hz, 0.7f, bass_cutoff, s.sr);
            else add_bass_electric(s.bass, s.at(b0 + i * 0.5), s.length(0.4), hz, 0.8f, s.sr);
        }
        if (strings)
            for (int n : chord) add_strings(s.harmony, s.at(b0), s.length(4.0), midi_to_hz((float)(n + 12)), 0.3f, s.sr);
        else
            for (int beat = 0; beat < 4; beat++)
                for (int n : chord)
                    add_epiano(s.harmony, s.at(b0 + beat + 0.5), s.length(0.3), midi_to_hz((float)(n + 12)), 0.3f,
                               s.sr);
        if (scratch)  // muted guitar on sixteenths: short, bright, percussive
            for (int i = 0; i < 16; i++)
                if (i % 2 == 1 || chance(rng, 0.3f)) {
                    Strum chop;
                    chop.string.brightness = 0.8f;
                    chop.string.sustain_s = 0.3f;
                    chop.spread_ms = 2.0f;
                    chop.down = i % 2 == 0;
                    strum(s.extra, s.at(b0 + i * 0.25), s.length(0.08), {chord[1] + 24, chord[2] + 24}, 0.35f, chop,
                          rng, s.sr);
                }
        if (singer && ((bar % 4) + 4) % 4 != 3)
            for (int beat = 0; beat < 4; beat++)
                if (chance(rng, 0.6f)) {
                    int vowel = pick(rng, 5);  // drawn before the pitch: the order the clips were made with
                    float hz = midi_to_hz((float)scale_note(scale, tonic + 24, pick(rng, 7)));
                    add_voice(s.lead, s.at(b0 + beat), s.length(0.8), hz, 0.5f, vowel,
                              Envelope{0.02f, 0.3f, 0.8f, 0.1f}, s.sr);
                }
    }
    s.drums_gain = uniform(rng, 0.6f, 1.0f);
    s.bass_gain = uniform(rng, 0.6f, 1.0f);
    s.harmony_gain = uniform(rng, 0.4f, 0.9f);
    s.lead_gain = uniform(rng, 0.4f, 1.0f);
    s.extra_gain = uniform(rng, 0.3f, 0.8f);
    s.reverb_send = uniform(rng, 0.08f, 0.25f);
    s.target_rms = uniform(rng, 0.09f, 0.16f);
    set_recording(s, rng, 0.25f);
}

}  // namespace melgrad::synth
