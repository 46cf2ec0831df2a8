// Jazz: swing at 100-220 BPM. The ride cymbal's "ding, ding-a ding, ding-a", hi-hat closed on 2 and 4, a
// feathered kick and sparse snare comping; a walking upright bass (one note per beat, ending each bar on a
// chromatic approach to the next chord); ii-V-I changes in seventh and ninth chords comped off the beat on piano
// or e-piano; a saxophone, piano or vibraphone soloing in swung eighths.
#include "experiments/synth/song.h"

namespace melgrad::synth {

void render_jazz(Song& s, Rng& rng) {
    const float bpm = uniform(rng, 100.0f, 220.0f), swing = uniform(rng, 0.08f, 0.16f);
    s.set_tempo(bpm, swing, uniform(rng, 0.0f, 16.0f));
    const int tonic = 36 + pick(rng, 12);
    // ii7 - V7 - Imaj7 - VI7 (the turnaround back to ii), one chord per bar.
    struct Change { int root; const ChordShape* shape; };
    const bool ninths = chance(rng, 0.5f);
    const Change changes[4] = {{2, ninths ? &kMin9 : &kMin7}, {7, ninths ? &kDom9 : &kDom7},
                               {0, ninths ? &kMaj9 : &kMaj7}, {9, &kDom7}};

    KitSound sound;
    sound.kick_hz = uniform(rng, 55.0f, 75.0f);
    sound.snare_decay_s = uniform(rng, 0.15f, 0.3f);
    sound.cymbal_decay_s = uniform(rng, 1.5f, 2.5f);
    DrumKit kit = make_drum_kit(sound, rng, s.sr);
    const bool epiano = chance(rng, 0.4f);
    const int lead_kind = pick(rng, 3);  // 0 sax, 1 piano, 2 vibraphone
    const bool has_lead = chance(rng, 0.8f);

    PluckedString upright_bass;  // fingered: dark, a second of sustain
    upright_bass.brightness = 0.15f;
    upright_bass.sustain_s = 1.0f;
    FmTone vibraphone;  // FM, the modulator two octaves up, its index dying fast: a mallet on a metal bar
    vibraphone.ratio = 4.0f;
    vibraphone.index = 1.2f;
    vibraphone.index_decay_s = 0.2f;
    vibraphone.env = Envelope{0.002f, 0.8f, 0.0f, 0.3f};
    for (int bar = s.first_bar(); bar < s.end_bar(); bar++) {
        const Change& c = changes[((bar % 4) + 4) % 4];
        const Change& next = changes[(((bar + 1) % 4) + 4) % 4];
        const int root = tonic + c.root;
        const double b0 = bar * 4.0;
        play_steps(s.drums, kit.ride, s.grid, bar, "x.xxx.xx", 0.5f, rng);
        play_steps(s.drums, kit.hat_closed, s.grid, bar, "..x...x.", 0.3f, rng);
        play_steps(s.drums, kit.kick, s.grid, bar, "o.o.o.o.", 0.5f, rng);
        for (int i = 0; i < 8; i++)
            if (chance(rng, 0.15f)) add_hit(s.drums, kit.snare, s.at(b0 + i * 0.5), rng.uniform(0.1f, 0.4f));
        // Walking bass: root, two chord or scale tones, then a half step above or below the next root.
        std::vector<int> tones = chord_notes(root, *c.shape);
        int walk[4] = {root, tones[(size_t)(1 + pick(rng, 2))], tones[(size_t)pick(rng, 3)],
                       tonic + next.root + (chance(rng, 0.5f) ? 1 : -1)};
        for (int beat = 0; beat < 4; beat++) {
            int note = walk[beat];
            while (note > tonic + 10) note -= 12;
            add_pluck(s.bass, s.at(b0 + beat), s.length(0.95), midi_to_hz((float)note), 0.9f, upright_bass, rng, s.sr);
        }
        // Comping: two or three short chords off the beat.
        for (int i = 0; i < 8; i++) {
            if (!chance(rng, i % 2 ? 0.35f : 0.12f)) continue;
            for (int n : chord_notes(root + 12, *c.shape)) {
                if (epiano) add_epiano(s.harmony, s.at(b0 + i * 0.5), s.length(0.4), midi_to_hz((float)n), 0.25f, s.sr);
                else add_piano(s.harmony, s.at(b0 + i * 0.5), s.length(0.4), midi_to_hz((float)n), 0.25f, s.sr);
            }
        }
        // Solo: swung eighths from the chord's scale (dorian on the ii, mixolydian on the V, major on the I).
        if (has_lead) {
            const Scale& scale = c.root == 2 ? kDorian : c.root == 0 ? kMajor : kMixolydian;
            for (int i = 0; i < 8; i++) {
                if (chance(rng, 0.3f)) continue;
                float hz = midi_to_hz((float)scale_note(scale, root + 24, pick(rng, 9) - 2));
                long start = s.at(b0 + i * 0.5), len = s.length(0.45);
                if (lead_kind == 0) add_brass(s.lead, start, len, hz, 0.45f, s.sr);
                else if (lead_kind == 1) add_piano(s.lead, start, len, hz, 0.45f, s.sr);
                else add_fm(s.lead, start, len, hz, 0.4f, vibraphone, s.sr);
            }
        }
    }
    s.drums_gain = uniform(rng, 0.3f, 0.8f);
    s.bass_gain = uniform(rng, 0.6f, 1.0f);
    s.harmony_gain = uniform(rng, 0.4f, 0.9f);
    s.lead_gain = uniform(rng, 0.4f, 1.0f);
    s.reverb_send = uniform(rng, 0.1f, 0.35f);
    s.target_rms = uniform(rng, 0.05f, 0.12f);
    set_recording(s, rng, 0.55f);
}

}  // namespace melgrad::synth
