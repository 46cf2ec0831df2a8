// Pop: 96-128 BPM, a backbeat (kick on 1 and the "and" of 3, snare or clap on 2 and 4, eighth-note hats), the
// I-V-vi-IV family of progressions on clean synth chords, piano or e-piano, a synth or electric bass on the root,
// and a sung lead: a formant-filtered "voice" singing a major-pentatonic melody in phrases. Modern, clean, loud.
#include "experiments/synth/song.h"

namespace melgrad::synth {

void render_pop(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 96.0f, 128.0f);
    s.set_tempo(bpm, 0.0, uniform(rng, 0.0f, 16.0f));
    const int tonic = 40 + pick(rng, 12);
    static const std::vector<std::vector<int>> progressions = {{0, 4, 5, 3}, {5, 3, 0, 4}, {0, 5, 3, 4}, {3, 0, 4, 5}};
    const std::vector<int>& prog = pick_from(rng, progressions);

    KitSound sound;
    sound.kick_hz = uniform(rng, 48.0f, 62.0f);
    sound.kick_decay_s = uniform(rng, 0.2f, 0.4f);
    DrumKit kit = make_drum_kit(sound, rng, s.sr);
    static const char* kicks[] = {"x.......x.x.....", "x...x...x...x...", "x......x..x.....", "x.......x......."};
    const char* kick = kicks[pick(rng, 4)];
    const bool clap = chance(rng, 0.5f), sixteenths = chance(rng, 0.3f);
    const int keys = pick(rng, 3);  // 0 synth chords, 1 piano, 2 e-piano
    const bool pulsing = chance(rng, 0.5f), synth_bass = chance(rng, 0.6f);
    const float pad_cutoff = uniform(rng, 1200.0f, 3500.0f);
    const bool singer = chance(rng, 0.85f);
    int degree = pick(rng, 5);

    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        const std::vector<int> chord = diatonic_chord(kMajor, tonic, prog[(size_t)((bar % 4 + 4) % 4)], 3);
        const double b0 = bar * 4.0;
        play_steps(s.drums, kit.kick, s.grid, bar, kick, 0.85f, rng, 1.5f);
        play_steps(s.drums, clap ? kit.clap : kit.snare, s.grid, bar, "....x.......x...", 0.7f, rng, 1.5f);
        play_steps(s.drums, kit.hat_closed, s.grid, bar, sixteenths ? "xoxoxoxoxoxoxoxo" : "x.x.x.x.x.x.x.x.", 0.35f,
                   rng, 1.5f);
        for (int i = 0; i < 8; i++) {
            float hz = midi_to_hz((float)chord[0]);
            if (synth_bass) add_bass_synth(s.bass, s.at(b0 + i * 0.5), s.length(0.45), hz, 0.7f, 700.0f, s.sr);
            else if (i % 2 == 0) add_bass_electric(s.bass, s.at(b0 + i * 0.5), s.length(0.9), hz, 0.8f, s.sr);
        }
        for (int hit = 0; hit < (pulsing ? 8 : 1); hit++) {
            long start = s.at(b0 + hit * 0.5), len = s.length(pulsing ? 0.4 : 3.9);
            for (int n : chord) {
                float hz = midi_to_hz((float)(n + 12));
                if (keys == 0) add_synth_pad(s.harmony, start, len, hz, 0.3f, pad_cutoff, s.sr);
                else if (keys == 1) add_piano(s.harmony, start, len, hz, 0.3f, s.sr);
                else add_epiano(s.harmony, start, len, hz, 0.3f, s.sr);
            }
        }
        // Vocal melody: two bars singing, mostly steps, the phrase ends on a long note; then a breath.
        if (singer && ((bar % 4) + 4) % 4 != 3) {
            for (double pos = 0.0; pos < 4.0;) {
                double dur = chance(rng, 0.5f) ? 0.5 : chance(rng, 0.6f) ? 1.0 : 2.0;
                degree += pick(rng, 3) - 1;
                degree = degree < 0 ? 0 : degree > 8 ? 8 : degree;
                if (chance(rng, 0.8f))
                    add_voice(s.lead, s.at(b0 + pos), s.length(dur * 0.9),
                              midi_to_hz((float)scale_note(kMajorPentatonic, tonic + 24, degree)), 0.6f, pick(rng, 5),
                              Envelope{0.02f, 0.3f, 0.8f, 0.1f}, s.sr);
                pos += dur;
            }
        }
    }
    s.drums_gain = uniform(rng, 0.5f, 1.0f);
    s.bass_gain = uniform(rng, 0.5f, 1.0f);
    s.harmony_gain = uniform(rng, 0.4f, 0.9f);
    s.lead_gain = uniform(rng, 0.6f, 1.1f);
    s.reverb_send = uniform(rng, 0.1f, 0.3f);
    s.target_rms = uniform(rng, 0.1f, 0.17f);
    set_recording(s, rng, 0.15f);
}

}  // namespace melgrad::synth
