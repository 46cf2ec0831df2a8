// Rock: 100-150 BPM backbeat (kick on 1 and 3, snare on 2 and 4, eighth-note hats or ride, a crash every
// four bars), overdriven guitar power chords or strummed open chords in eighths (less gain than metal), a bass
// on the root in eighths, I-IV-V / I-bVII-IV progressions, often a singer or a pentatonic guitar solo.
#include "experiments/synth/song.h"

namespace melgrad::synth {

void render_rock(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 100.0f, 150.0f);
    s.set_tempo(bpm, 0.0, uniform(rng, 0.0f, 16.0f));
    const Scale& scale = chance(rng, 0.5f) ? kMixolydian : chance(rng, 0.5f) ? kMajor : kMinor;
    const int tonic = 40 + pick(rng, 10);
    static const std::vector<std::vector<int>> progressions = {{0, 3, 4, 3}, {0, 6, 3, 0}, {5, 3, 0, 4}, {0, 0, 3, 4}};
    const std::vector<int>& prog = pick_from(rng, progressions);

    KitSound sound;
    sound.kick_hz = uniform(rng, 50.0f, 65.0f);
    sound.kick_click = uniform(rng, 0.3f, 0.7f);
    DrumKit kit = make_drum_kit(sound, rng, s.sr);
    static const char* kicks[] = {"x.......x.......", "x.......x.x.....", "x...x...x...x...", "x.x.....x.x....."};
    const char* kick = kicks[pick(rng, 4)];
    const bool ride = chance(rng, 0.3f), power_chords = chance(rng, 0.6f);
    const int lead_kind = pick(rng, 3);  // 0 singer, 1 guitar solo, 2 none
    const float brightness = uniform(rng, 0.4f, 0.8f);
    int degree = pick(rng, 5);

    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        const std::vector<int> chord = diatonic_chord(scale, tonic, prog[(size_t)((bar % 4 + 4) % 4)], 3);
        const double b0 = bar * 4.0;
        play_steps(s.drums, kit.kick, s.grid, bar, kick, 0.85f, rng);
        play_steps(s.drums, kit.snare, s.grid, bar, "....X.......X...", 0.8f, rng);
        play_steps(s.drums, ride ? kit.ride : kit.hat_closed, s.grid, bar, "x.x.x.x.x.x.x.x.", 0.35f, rng);
        if (bar % 4 == 0) add_hit(s.drums, kit.crash, s.at(b0), 0.6f);
        for (int i = 0; i < 8; i++) {
            long start = s.at(b0 + i * 0.5), len = s.length(0.48);
            add_bass_electric(s.bass, start, len, midi_to_hz((float)chord[0]), 0.8f, s.sr);
            std::vector<int> voicing = power_chords ? chord_notes(chord[0] + 12, kPower)
                                                    : std::vector<int>{chord[0] + 12, chord[1] + 12, chord[2] + 12,
                                                                       chord[0] + 24};
            Strum rhythm;
            rhythm.string.brightness = brightness;
            rhythm.string.sustain_s = 1.0f;
            rhythm.spread_ms = power_chords ? 2.0f : 7.0f;
            rhythm.down = i % 2 == 0;
            strum(s.harmony, start, len, voicing, 0.6f, rhythm, rng, s.sr);
        }
        const int phrase_bar = ((bar % 4) + 4) % 4;
        if (lead_kind == 0 && phrase_bar != 3) {
            for (double pos = 0.0; pos < 4.0;) {
                double dur = chance(rng, 0.5f) ? 0.5 : 1.0;
                degree += pick(rng, 3) - 1;
                degree = degree < 0 ? 0 : degree > 8 ? 8 : degree;
                if (chance(rng, 0.8f))
                    add_voice(s.lead, s.at(b0 + pos), s.length(dur * 0.9),
                              midi_to_hz((float)scale_note(kMajorPentatonic, tonic + 24, degree)), 0.6f, pick(rng, 5),
                              Envelope{0.02f, 0.3f, 0.8f, 0.1f}, s.sr);
                pos += dur;
            }
        } else if (lead_kind == 1 && phrase_bar >= 2) {
            PluckedString lead;
            lead.brightness = 0.7f;
            lead.sustain_s = 1.0f;
            for (int i = 0; i < 8; i++)
                if (chance(rng, 0.75f))
                    add_pluck(s.lead, s.at(b0 + i * 0.5), s.length(0.5),
                              midi_to_hz((float)scale_note(kMinorPentatonic, tonic + 24, pick(rng, 8))), 0.5f, lead,
                              rng, s.sr);
        }
    }
    // The amplifier: crunch, not metal's saturation.
    drive(s.harmony, uniform(rng, 2.0f, 6.0f));
    lowpass(s.harmony, uniform(rng, 3500.0f, 7000.0f), s.sr);
    drive(s.lead, lead_kind == 1 ? uniform(rng, 3.0f, 8.0f) : 1.0f);
    s.drums_gain = uniform(rng, 0.5f, 1.0f);
    s.bass_gain = uniform(rng, 0.4f, 0.9f);
    s.harmony_gain = uniform(rng, 0.3f, 0.7f);
    s.lead_gain = uniform(rng, 0.4f, 1.0f);
    s.reverb_send = uniform(rng, 0.08f, 0.25f);
    s.target_rms = uniform(rng, 0.1f, 0.18f);
    set_recording(s, rng, 0.35f);
}

}  // namespace melgrad::synth
