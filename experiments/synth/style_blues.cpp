// Blues: a 12-bar I-IV-V shuffle, 66-110 BPM. A plucked (Karplus-Strong) guitar plays the boogie figure
// (root + fifth, root + sixth), a bass walks the boogie line, a lead (guitar, sax or organ) plays the blues
// scale with its "blue" flat fifth, drums shuffle. Often an old, dull, hissy recording.
#include "experiments/synth/song.h"

namespace melgrad::synth {

void render_blues(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 66.0f, 110.0f), swing = uniform(rng, 0.10f, 0.17f);  // 1/6 = triplet shuffle
    s.set_tempo(bpm, swing, uniform(rng, 0.0f, 48.0f));
    const int key = 40 + pick(rng, 10);  // tonic in the bass register, E2..C#3
    // The 12-bar form in semitones above the key: I I I I IV IV I I V IV I V ("quick change": IV in bar 2).
    int form[12] = {0, 0, 0, 0, 5, 5, 0, 0, 7, 5, 0, 7};
    if (chance(rng, 0.4f)) form[1] = 5;

    KitSound sound;
    sound.kick_hz = uniform(rng, 48.0f, 62.0f);
    sound.snare_decay_s = uniform(rng, 0.12f, 0.28f);
    sound.hat_brightness = uniform(rng, 0.2f, 0.7f);
    DrumKit kit = make_drum_kit(sound, rng, s.sr);
    const bool ride = chance(rng, 0.5f);
    const bool has_drums = chance(rng, 0.85f);
    const bool walking = chance(rng, 0.5f);  // walking quarter notes, else the eighth-note boogie
    const int lead_kind = pick(rng, 4);      // 0, 1: guitar, 2: saxophone, 3: organ
    const bool piano = chance(rng, 0.4f);
    const float guitar_brightness = uniform(rng, 0.3f, 0.7f);
    const double eighth = 0.5;

    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        const int root = key + form[((bar % 12) + 12) % 12];
        const double b0 = bar * 4.0;
        if (has_drums) {
            play_steps(s.drums, kit.kick, s.grid, bar, "x...x...", 0.8f, rng);
            play_steps(s.drums, kit.snare, s.grid, bar, "..x...x.", 0.7f, rng);
            play_steps(s.drums, ride ? kit.ride : kit.hat_closed, s.grid, bar, "xxxxxxxx", 0.45f, rng);
        }
        // Bass: the boogie line R 3 5 6 b7 6 5 3 in eighths, or a walk R 3 5 6 in quarters.
        static const int boogie[8] = {0, 4, 7, 9, 10, 9, 7, 4};
        for (int i = 0; i < (walking ? 4 : 8); i++) {
            double pos = walking ? b0 + i : b0 + i * eighth;
            int note = root + boogie[i];
            add_bass_electric(s.bass, s.at(pos), s.length(walking ? 0.9 : 0.45), midi_to_hz((float)note), 0.7f,
                              s.sr);
        }
        // Rhythm guitar: the shuffle figure an octave above the bass, two notes per eighth.
        Strum shuffle;
        shuffle.string.brightness = guitar_brightness;
        shuffle.string.sustain_s = 0.6f;
        shuffle.spread_ms = 4.0f;
        for (int i = 0; i < 8; i++) {
            int upper = root + 12 + ((i / 2) % 2 == 0 ? 7 : 9);
            strum(s.harmony, s.at(b0 + i * eighth), s.length(0.4), {root + 12, upper}, 0.55f, shuffle, rng, s.sr);
        }
        if (piano && bar % 2 == 0)
            for (int n : chord_notes(root + 24, kDom7))
                add_piano(s.extra, s.at(b0 + 1.5), s.length(1.0), midi_to_hz((float)n), 0.25f, s.sr);
        // Lead: call and response, two bars of licks then two bars of space.
        if (((bar % 4) + 4) % 4 < 2) {
            PluckedString lead_guitar;
            lead_guitar.brightness = 0.75f;
            lead_guitar.sustain_s = 1.2f;
            for (int i = 0; i < 8; i++) {
                if (chance(rng, 0.35f)) continue;
                int note = scale_note(kBlues, key + 24, pick(rng, 9) - 2);
                long start = s.at(b0 + i * eighth), len = s.length(chance(rng, 0.3f) ? 1.0 : 0.45);
                float hz = midi_to_hz((float)note);
                if (lead_kind < 2) add_pluck(s.lead, start, len, hz, 0.6f, lead_guitar, rng, s.sr);
                else if (lead_kind == 2) add_brass(s.lead, start, len, hz, 0.5f, s.sr);
                else add_organ(s.lead, start, len, hz, 0.4f, s.sr);
            }
        }
    }
    s.drums_gain = uniform(rng, 0.4f, 1.0f);
    s.bass_gain = uniform(rng, 0.5f, 1.0f);
    s.harmony_gain = uniform(rng, 0.5f, 1.0f);
    s.lead_gain = uniform(rng, 0.4f, 1.0f);
    s.extra_gain = uniform(rng, 0.5f, 1.0f);
    s.reverb_send = uniform(rng, 0.1f, 0.35f);
    s.target_rms = uniform(rng, 0.06f, 0.14f);
    set_recording(s, rng, 0.6f);
}

}  // namespace melgrad::synth
