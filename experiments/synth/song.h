// A Song is one clip under construction: a tempo grid, one buffer per instrument group ("stem"), and the
// mixing and recording settings a style chooses. A style (one file per genre, e.g.
// experiments/synth/style_blues.cpp) fills the stems and settings from the clip's random stream; mixdown()
// then does what every style shares: stem levels, reverb, the recording's bandwidth, noise, loudness, limiter.
#pragma once
#include <vector>

#include "experiments/synth/instruments.h"
#include "experiments/synth/music.h"
#include "framework/rng.h"

namespace melgrad::synth {

struct Song {
    int sr;
    double seconds;
    long n;  // samples in the clip
    Grid grid;
    Buffer drums, bass, harmony, lead, extra;  // stems, n samples each
    float drums_gain = 1.0f, bass_gain = 1.0f, harmony_gain = 1.0f, lead_gain = 1.0f, extra_gain = 1.0f;
    float reverb_send = 0.15f, reverb_room = 0.7f, reverb_damping = 0.4f;
    float bandwidth_hz = 9000.0f;  // one-pole low-pass on the master: old recordings are duller
    float noise_level = 0.002f, noise_color = 0.3f;
    float crackle_per_s = 0.0f, crackle_level = 0.0f;
    float target_rms = 0.1f;  // loudness of the finished clip (before the limiter)

    // When set, set_tempo() ignores the style's own choice and uses this grid: a crossover clip renders a
    // neighbouring style's drums on the same beat as its own music (see synthesize_clip()).
    const Grid* forced_grid = nullptr;

    Song(int sample_rate, double clip_seconds);
    // Every style calls this once, first: tempo in BPM, swing (see Grid), where in the song the clip starts.
    void set_tempo(double bpm, double swing, double start_beat, double swing_unit = 0.5);
    long at(double beats) const { return grid.at(beats); }
    long length(double beats) const { return (long)(beats * grid.beat_seconds() * sr); }
    // Bars to render: from the bar holding the clip's first sample to one past its last.
    int first_bar() const { return (int)(grid.start_beat / 4.0); }
    int end_bar() const { return grid.bars_for(seconds, 4); }
};

// Drum step sequencer for one 4-beat bar. `steps` has 16 characters (sixteenths) or 8 (eighths):
// 'X' accent, 'x' normal hit, 'o' ghost note, anything else a rest. Each hit's level varies by +-12% and its
// time by up to humanize_ms (drummers are not machines).
void play_steps(Buffer& out, const Buffer& sound, const Grid& grid, int bar, const char* steps, float gain,
                Rng& rng, float humanize_ms = 3.0f);

// A chord strummed on the plucked string: notes a few ms apart, low to high (or high to low when down=false).
struct Strum {
    PluckedString string;
    float spread_ms = 5.0f;  // from one string to the next
    bool down = true;        // a downstroke (low string first) or an upstroke
};
void strum(Buffer& out, long start, long length, const std::vector<int>& notes, float gain, const Strum& how,
           Rng& rng, int sr);

// The recording around the music: `age` 0 (modern: full bandwidth, quiet noise floor) .. 1 (old: dull, hissy,
// sometimes vinyl crackle). Draws bandwidth, noise and crackle from the clip's random stream.
void set_recording(Song& s, Rng& rng, float age);

// Sums the stems into the finished clip, in [-1, 1]. See song.cpp for each step.
std::vector<float> mixdown(Song& song, Rng& rng);

// The ten styles, one per file (style_<genre>.cpp), in GTZAN's alphabetical genre order.
void render_blues(Song& s, Rng& rng);
void render_classical(Song& s, Rng& rng);
void render_country(Song& s, Rng& rng);
void render_disco(Song& s, Rng& rng);
void render_hiphop(Song& s, Rng& rng);
void render_jazz(Song& s, Rng& rng);
void render_metal(Song& s, Rng& rng);
void render_pop(Song& s, Rng& rng);
void render_reggae(Song& s, Rng& rng);
void render_rock(Song& s, Rng& rng);

}  // namespace melgrad::synth
