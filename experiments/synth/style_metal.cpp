// Metal: 140-210 BPM, double kick drum in sixteenths (eighths when very fast) or blast beats, crashes on the
// downbeats, palm-muted power-chord riffs on a low-tuned guitar pushed through heavy (soft then hard) clipping,
// a driven bass doubling the riff's root, minor / phrygian / harmonic minor keys, sometimes a shredded solo.
#include "experiments/synth/song.h"

namespace melgrad::synth {

void render_metal(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 140.0f, 210.0f);
    s.set_tempo(bpm, 0.0, uniform(rng, 0.0f, 16.0f));
    static const std::vector<const Scale*> scales = {&kMinor, &kPhrygian, &kHarmonicMinor};
    const Scale& scale = *pick_from(rng, scales);
    const int tonic = 35 + pick(rng, 8);  // B1..F#2: drop tunings
    // The riff: which sixteenths are played (x), as an accented open chord (X) or resting (.).
    static const char* riffs[] = {"xxx.xxx.xx.xxx.x", "X..xx.x.X..xx.x.", "x.x.xxx.x.x.X...", "xxxxX...xxxxX..."};
    const char* riff = riffs[pick(rng, 4)];
    static const std::vector<std::vector<int>> progressions = {{0, 0, 5, 6}, {0, 1, 0, 6}, {0, 5, 3, 4}, {0, 0, 0, 1}};
    const std::vector<int>& prog = pick_from(rng, progressions);

    KitSound sound;
    sound.kick_hz = uniform(rng, 55.0f, 70.0f);
    sound.kick_decay_s = uniform(rng, 0.08f, 0.15f);
    sound.kick_click = uniform(rng, 0.6f, 1.0f);
    sound.snare_decay_s = uniform(rng, 0.1f, 0.2f);
    sound.cymbal_decay_s = uniform(rng, 1.2f, 2.0f);
    DrumKit kit = make_drum_kit(sound, rng, s.sr);
    const bool blast = chance(rng, 0.25f);
    const bool fast = s.grid.bpm > 175.0f;
    const bool solo = chance(rng, 0.35f);

    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        int degree = prog[(size_t)((bar % 4 + 4) % 4)];
        const int root = scale_note(scale, tonic, degree);
        const double b0 = bar * 4.0;
        if (blast) {
            play_steps(s.drums, kit.kick, s.grid, bar, "x.x.x.x.x.x.x.x.", 0.8f, rng, 1.0f);
            play_steps(s.drums, kit.snare, s.grid, bar, ".x.x.x.x.x.x.x.x", 0.6f, rng, 1.0f);
        } else {
            play_steps(s.drums, kit.kick, s.grid, bar, fast ? "x.x.x.x.x.x.x.x." : "xxxxxxxxxxxxxxxx", 0.75f, rng, 1.0f);
            play_steps(s.drums, kit.snare, s.grid, bar, "....X.......X...", 0.8f, rng, 1.0f);
        }
        play_steps(s.drums, kit.hat_closed, s.grid, bar, "x.x.x.x.x.x.x.x.", 0.3f, rng, 1.0f);
        if (bar % 2 == 0) add_hit(s.drums, kit.crash, s.at(b0), 0.7f);
        // Riff: muted power chords (short, dark) and accented open ones (long).
        for (int i = 0; i < 16; i++) {
            char c = riff[i];
            if (c == '.') continue;
            long start = s.at(b0 + i * 0.25), len = s.length(c == 'X' ? 1.0 : 0.2);
            PluckedString string;  // 'X' rings out, 'x' is palm-muted: darker and short
            string.brightness = c == 'X' ? 0.6f : 0.3f;
            string.sustain_s = c == 'X' ? 1.5f : 0.3f;
            for (int n : chord_notes(root + 12, kPower))
                add_pluck(s.harmony, start, len, midi_to_hz((float)n), c == 'X' ? 0.6f : 0.5f, string, rng, s.sr);
            add_bass_electric(s.bass, start, len, midi_to_hz((float)root), 0.7f, s.sr);
        }
        if (solo && ((bar % 4) + 4) % 4 >= 2) {
            PluckedString lead;
            lead.brightness = 0.7f;
            lead.sustain_s = 0.8f;
            for (int i = 0; i < 16; i++)
                add_pluck(s.lead, s.at(b0 + i * 0.25), s.length(0.25),
                          midi_to_hz((float)scale_note(kHarmonicMinor, tonic + 36, pick(rng, 10))), 0.5f, lead, rng,
                          s.sr);
        }
    }
    // The amplifier: soft saturation into hard clipping, then a cabinet-like low-pass.
    drive(s.harmony, uniform(rng, 6.0f, 20.0f));
    hard_clip(s.harmony, uniform(rng, 1.2f, 2.0f));
    lowpass(s.harmony, uniform(rng, 3000.0f, 6000.0f), s.sr);
    drive(s.lead, uniform(rng, 6.0f, 15.0f));
    lowpass(s.lead, 5000.0f, s.sr);
    drive(s.bass, uniform(rng, 1.5f, 4.0f));
    s.drums_gain = uniform(rng, 0.6f, 1.0f);
    s.bass_gain = uniform(rng, 0.3f, 0.7f);
    s.harmony_gain = uniform(rng, 0.3f, 0.6f);
    s.lead_gain = uniform(rng, 0.2f, 0.5f);
    s.reverb_send = uniform(rng, 0.05f, 0.2f);
    s.target_rms = uniform(rng, 0.13f, 0.22f);
    set_recording(s, rng, 0.25f);
}

}  // namespace melgrad::synth
