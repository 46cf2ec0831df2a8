// Country: the "boom-chick" two-beat at 96-140 BPM: bass on beats 1 and 3 (root, then fifth), strummed
// acoustic chords and a snare or rim click on 2 and 4, bright "twangy" plucked lead (chicken picking) or a
// sliding pedal steel / fiddle, major keys, sometimes a singer.
#include "experiments/synth/song.h"

namespace melgrad::synth {

namespace {

// Chick: the strummed chord on 2 and 4 (and lighter up-strums on the off-beats).
void strum_chick(Song& s, Rng& rng, const std::vector<int>& chord, double b0, float strum_brightness) {
    std::vector<int> voicing = {chord[0] + 12, chord[1] + 12, chord[2] + 12, chord[0] + 24};
    Strum down, up;
    down.string.brightness = strum_brightness;
    down.string.sustain_s = 0.8f;
    down.spread_ms = 8.0f;
    up.string.brightness = strum_brightness;
    up.string.sustain_s = 0.6f;
    up.spread_ms = 6.0f;
    up.down = false;
    for (int beat = 0; beat < 4; beat++) {
        if (beat % 2 == 1) strum(s.harmony, s.at(b0 + beat), s.length(0.5), voicing, 0.7f, down, rng, s.sr);
        if (chance(rng, 0.5f))
            strum(s.harmony, s.at(b0 + beat + 0.5), s.length(0.4), voicing, 0.35f, up, rng, s.sr);
    }
}

// Lead: major pentatonic; plucks in eighths/sixteenths, or long sliding steel / fiddle notes.
void play_lead(Song& s, Rng& rng, int tonic, int lead_kind, double b0) {
    if (lead_kind < 2) {
        PluckedString telecaster;  // the twangy chicken-picked lead
        telecaster.brightness = 0.95f;
        telecaster.sustain_s = 0.8f;
        for (int i = 0; i < 8; i++) {
            if (chance(rng, 0.4f)) continue;
            int note = scale_note(kMajorPentatonic, tonic + 24, pick(rng, 8) - 1);
            add_pluck(s.lead, s.at(b0 + i * 0.5), s.length(0.3), midi_to_hz((float)note), 0.6f, telecaster, rng,
                      s.sr);
        }
    } else {
        Vibrato steel_vibrato;  // pedal steel: wide and slow
        steel_vibrato.hz = 5.5f;
        steel_vibrato.cents = 25.0f;
        for (int i = 0; i < 2; i++) {
            int note = scale_note(kMajorPentatonic, tonic + 24, pick(rng, 7));
            float hz = midi_to_hz((float)note);
            if (lead_kind == 2)
                add_additive(s.lead, s.at(b0 + 2 * i), s.length(1.9), hz, 0.4f,
                             {{1.0f, 1.0f, 0.0f}, {2.0f, 0.4f, 0.0f}, {3.0f, 0.2f, 0.0f}},
                             Envelope{0.08f, 0.5f, 0.7f, 0.3f}, s.sr, steel_vibrato);
            else add_strings(s.lead, s.at(b0 + 2 * i), s.length(1.9), hz, 0.45f, s.sr);
        }
    }
}

}  // namespace

void render_country(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 96.0f, 140.0f), swing = chance(rng, 0.3f) ? uniform(rng, 0.0f, 0.08f) : 0.0f;
    s.set_tempo(bpm, swing, uniform(rng, 0.0f, 16.0f));
    const Scale& scale = chance(rng, 0.8f) ? kMajor : kMixolydian;
    const int tonic = 43 + pick(rng, 10);  // G2..E3
    static const std::vector<std::vector<int>> progressions = {{0, 3, 4, 0}, {0, 0, 3, 4}, {0, 3, 0, 4}, {0, 4, 3, 0}};
    const std::vector<int>& prog = pick_from(rng, progressions);
    const int bars_per_chord = 1 + pick(rng, 2);

    KitSound sound;
    sound.kick_hz = uniform(rng, 50.0f, 65.0f);
    sound.snare_decay_s = uniform(rng, 0.08f, 0.2f);
    DrumKit kit = make_drum_kit(sound, rng, s.sr);
    const bool rim = chance(rng, 0.4f), train_beat = chance(rng, 0.3f);
    const int lead_kind = pick(rng, 4);  // 0, 1: twang guitar, 2: pedal steel, 3: fiddle
    const bool singer = chance(rng, 0.35f);
    const float strum_brightness = uniform(rng, 0.5f, 0.85f);

    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        int idx = ((bar / bars_per_chord) % 4 + 4) % 4;
        const std::vector<int> chord = diatonic_chord(scale, tonic, prog[(size_t)idx], 3);
        const int root = chord[0];
        const double b0 = bar * 4.0;
        play_steps(s.drums, kit.kick, s.grid, bar, "x...x...", 0.8f, rng);
        play_steps(s.drums, rim ? kit.rim : kit.snare, s.grid, bar, train_beat ? "oxoxoxox" : "..x...x.", 0.6f, rng);
        play_steps(s.drums, kit.hat_closed, s.grid, bar, "x.x.x.x.", 0.3f, rng);
        // Boom: root on 1, the fifth below on 3.
        add_bass_electric(s.bass, s.at(b0), s.length(1.8), midi_to_hz((float)root), 0.7f, s.sr);
        add_bass_electric(s.bass, s.at(b0 + 2), s.length(1.8), midi_to_hz((float)(root - 5)), 0.7f, s.sr);
        strum_chick(s, rng, chord, b0, strum_brightness);
        play_lead(s, rng, tonic, lead_kind, b0);
        if (singer && ((bar % 4) + 4) % 4 < 3)
            for (int beat = 0; beat < 4; beat++)
                if (chance(rng, 0.7f)) {
                    int vowel = pick(rng, 5);  // drawn before the pitch: the order the clips were made with
                    float hz = midi_to_hz((float)scale_note(kMajorPentatonic, tonic + 12, pick(rng, 6)));
                    add_voice(s.extra, s.at(b0 + beat), s.length(0.9), hz, 0.5f, vowel,
                              Envelope{0.03f, 0.3f, 0.8f, 0.1f}, s.sr);
                }
    }
    s.drums_gain = uniform(rng, 0.3f, 0.9f);
    s.bass_gain = uniform(rng, 0.5f, 1.0f);
    s.harmony_gain = uniform(rng, 0.5f, 1.0f);
    s.lead_gain = uniform(rng, 0.4f, 1.0f);
    s.extra_gain = uniform(rng, 0.5f, 1.0f);
    s.reverb_send = uniform(rng, 0.08f, 0.3f);
    s.target_rms = uniform(rng, 0.07f, 0.15f);
    set_recording(s, rng, 0.4f);
}

}  // namespace melgrad::synth
