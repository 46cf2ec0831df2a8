// Reggae: the one drop at 64-94 BPM: kick and rim shot together on beat 3 only (or "rockers": a kick on every
// beat), lightly swung hi-hats, a loud deep bass playing a one-bar riff that leaves beat 1 empty, the "skank"
// (short muted chord stabs on every off-beat) on guitar, often doubled by an organ "bubble", two-chord vamps.
#include "experiments/synth/song.h"

namespace melgrad::synth {

void render_reggae(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 64.0f, 94.0f), swing = uniform(rng, 0.0f, 0.1f);
    s.set_tempo(bpm, swing, uniform(rng, 0.0f, 16.0f));
    const bool minor = chance(rng, 0.5f);
    const Scale& scale = minor ? kMinor : kMajor;
    const int tonic = 36 + pick(rng, 12);
    static const std::vector<std::vector<int>> vamps = {{0, 3}, {0, 4}, {0, 0, 3, 3}, {0, 5, 3, 4}};
    const std::vector<int>& vamp = pick_from(rng, vamps);

    KitSound sound;
    sound.kick_hz = uniform(rng, 50.0f, 65.0f);
    sound.snare_hz = uniform(rng, 200.0f, 300.0f);
    DrumKit kit = make_drum_kit(sound, rng, s.sr);
    const bool rockers = chance(rng, 0.25f), rim = chance(rng, 0.6f), organ = chance(rng, 0.5f);
    const bool has_lead = chance(rng, 0.5f);
    // The bass riff: eight eighth-note slots holding a scale degree above the chord root, or a rest (-1).
    int riff[8];
    for (int i = 0; i < 8; i++) riff[i] = (i == 0 || chance(rng, 0.35f)) ? -1 : pick(rng, 5);
    const float bass_cutoff = uniform(rng, 300.0f, 700.0f);

    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        const int degree = vamp[(size_t)((bar % (int)vamp.size() + (int)vamp.size()) % (int)vamp.size())];
        const std::vector<int> chord = diatonic_chord(scale, tonic, degree, 3);
        const double b0 = bar * 4.0;
        play_steps(s.drums, kit.kick, s.grid, bar, rockers ? "x...x...x...x..." : "........x.......", 0.9f, rng);
        play_steps(s.drums, rim ? kit.rim : kit.snare, s.grid, bar, "........x.......", 0.7f, rng);
        play_steps(s.drums, kit.hat_closed, s.grid, bar, chance(rng, 0.5f) ? "x.x.x.x.x.x.x.x." : "x.xxx.xxx.xxx.xx",
                   0.3f, rng);
        for (int i = 0; i < 8; i++) {
            if (riff[i] < 0) continue;
            float hz = midi_to_hz((float)scale_note(scale, chord[0], riff[i] == 3 ? 4 : riff[i]));
            add_bass_synth(s.bass, s.at(b0 + i * 0.5), s.length(0.45), hz, 0.9f, bass_cutoff, s.sr);
        }
        // Skank: the chord on every off-beat, short and muted.
        Strum skank;
        skank.string.brightness = 0.5f;
        skank.string.sustain_s = 0.4f;
        skank.spread_ms = 3.0f;
        for (int beat = 0; beat < 4; beat++) {
            long start = s.at(b0 + beat + 0.5);
            strum(s.harmony, start, s.length(0.15), {chord[0] + 24, chord[1] + 24, chord[2] + 24}, 0.7f, skank, rng,
                  s.sr);
            if (organ) {
                for (int n : chord) add_organ(s.extra, start, s.length(0.2), midi_to_hz((float)(n + 24)), 0.2f, s.sr);
                add_organ(s.extra, s.at(b0 + beat + 0.75), s.length(0.15), midi_to_hz((float)(chord[0] + 24)), 0.15f,
                          s.sr);
            }
        }
        if (has_lead && ((bar % 4) + 4) % 4 < 2)
            for (int beat = 0; beat < 4; beat++)
                if (chance(rng, 0.7f)) {
                    int vowel = pick(rng, 5);  // drawn before the pitch: the order the clips were made with
                    float hz = midi_to_hz((float)scale_note(minor ? kMinorPentatonic : kMajorPentatonic, tonic + 24,
                                                            pick(rng, 6)));
                    add_voice(s.lead, s.at(b0 + beat), s.length(0.8), hz, 0.5f, vowel,
                              Envelope{0.03f, 0.3f, 0.8f, 0.1f}, s.sr);
                }
    }
    s.drums_gain = uniform(rng, 0.5f, 0.9f);
    s.bass_gain = uniform(rng, 1.0f, 1.6f);  // reggae is mixed around the bass
    s.harmony_gain = uniform(rng, 0.4f, 0.9f);
    s.lead_gain = uniform(rng, 0.4f, 0.9f);
    s.extra_gain = uniform(rng, 0.4f, 0.8f);
    s.reverb_send = uniform(rng, 0.1f, 0.35f);
    s.target_rms = uniform(rng, 0.08f, 0.15f);
    set_recording(s, rng, 0.4f);
}

}  // namespace melgrad::synth
