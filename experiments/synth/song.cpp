#include "experiments/synth/song.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "experiments/synth/synth_gtzan.h"

namespace melgrad::synth {

Song::Song(int sample_rate, double clip_seconds)
    : sr(sample_rate), seconds(clip_seconds), n((long)std::lround(clip_seconds * sample_rate)) {
    grid.sr = sr;
    for (Buffer* b : {&drums, &bass, &harmony, &lead, &extra}) b->assign((size_t)n, 0.0f);
}

void Song::set_tempo(double bpm, double swing, double start_beat, double swing_unit) {
    if (forced_grid) { grid = *forced_grid; return; }
    grid.bpm = bpm;
    grid.swing = swing;
    grid.start_beat = start_beat;
    grid.swing_unit = swing_unit;
}

void play_steps(Buffer& out, const Buffer& sound, const Grid& grid, int bar, const char* steps, float gain,
                Rng& rng, float humanize_ms) {
    int count = 0;
    while (steps[count]) count++;
    for (int i = 0; i < count; i++) {
        char c = steps[i];
        float velocity = c == 'X' ? 1.0f : c == 'x' ? 0.75f : c == 'o' ? 0.3f : 0.0f;
        if (velocity == 0.0f) continue;
        velocity *= rng.uniform(0.88f, 1.12f);
        long jitter = (long)(rng.uniform(-1.0f, 1.0f) * humanize_ms * 0.001f * grid.sr);
        add_hit(out, sound, grid.at(bar * 4.0 + 4.0 * i / count) + jitter, gain * velocity);
    }
}

void strum(Buffer& out, long start, long length, const std::vector<int>& notes, float gain, const Strum& how,
           Rng& rng, int sr) {
    const int n = (int)notes.size();
    for (int k = 0; k < n; k++) {
        int note = notes[(size_t)(how.down ? k : n - 1 - k)];
        long offset = (long)(k * how.spread_ms * 0.001f * sr);
        add_pluck(out, start + offset, std::max(1L, length - offset), midi_to_hz((float)note),
                  gain / std::sqrt((float)n), how.string, rng, sr);
    }
}

void set_recording(Song& s, Rng& rng, float age) {
    age = std::max(0.0f, std::min(1.0f, age + rng.uniform(-0.25f, 0.25f)));
    s.bandwidth_hz = 10500.0f - 6500.0f * age * rng.uniform(0.6f, 1.0f);
    s.noise_level = 0.0005f + 0.012f * age * age * rng.uniform();
    s.noise_color = rng.uniform(0.0f, 0.7f);
    if (rng.uniform() < 0.5f * age) {
        s.crackle_per_s = rng.uniform(1.0f, 12.0f);
        s.crackle_level = rng.uniform(0.02f, 0.15f);
    }
}

std::vector<float> mixdown(Song& s, Rng& rng) {
    // 1. Stems at the style's levels.
    Buffer mix((size_t)s.n, 0.0f);
    const Buffer* stems[5] = {&s.drums, &s.bass, &s.harmony, &s.lead, &s.extra};
    const float gains[5] = {s.drums_gain, s.bass_gain, s.harmony_gain, s.lead_gain, s.extra_gain};
    for (int k = 0; k < 5; k++)
        if (gains[k] != 0.0f)
            for (long t = 0; t < s.n; t++) mix[(size_t)t] += gains[k] * (*stems[k])[(size_t)t];
    // 2. Room: a reverb send.
    if (s.reverb_send > 0.0f) {
        Buffer wet = reverb(mix, s.reverb_room, s.reverb_damping, s.sr);
        for (long t = 0; t < s.n; t++) mix[(size_t)t] += s.reverb_send * wet[(size_t)t];
    }
    // 3. The recording: its bandwidth, a little rumble removed, then its noise floor and crackle.
    lowpass(mix, s.bandwidth_hz, s.sr);
    highpass(mix, 30.0f, s.sr);
    double sum = 0.0;
    for (float v : mix) sum += (double)v * v;
    float rms = (float)std::sqrt(sum / std::max(1L, s.n));
    float scale = rms > 1e-9f ? s.target_rms / rms : 0.0f;
    for (float& v : mix) v *= scale;
    add_noise(mix, s.noise_level, s.noise_color, rng, s.sr);
    add_crackle(mix, s.crackle_per_s, s.crackle_level, rng, s.sr);
    // 4. Limiter: untouched below 0.8, then a soft knee that reaches 1.0 only for inputs of 1.4 and more
    //    (so a few peaks may be clipped; the tests bound how many).
    const float knee = 0.8f;
    for (float& v : mix) {
        float a = std::fabs(v);
        if (a > knee) v = std::copysign(knee + (1.0f - knee) * soft_clip((a - knee) / (1.0f - knee)), v);
    }
    return mix;
}

// ---- the public API ------------------------------------------------------------------------------------

const std::vector<std::string>& gtzan_genres() {
    static const std::vector<std::string> names = {"blues", "classical", "country", "disco", "hiphop",
                                                   "jazz",  "metal",     "pop",     "reggae", "rock"};
    return names;
}

// Share of clips that mix two neighbouring styles (see synthesize_clip()).
constexpr float kCrossoverProbability = 0.3f;

uint64_t clip_seed(uint64_t seed, int genre, int index) {
    uint64_t h = splitmix64_mix(seed ^ 0x6D656C6772616421ull);  // "melgrad!"
    h = splitmix64_mix(h ^ (0x9E3779B97F4A7C15ull * (uint64_t)(genre + 1)));
    return splitmix64_mix(h ^ (0xC2B2AE3D27D4EB4Full * (uint64_t)(index + 1)));
}

std::vector<float> synthesize_clip(int genre, int index, uint64_t seed, double seconds, int sr) {
    using StyleFn = void (*)(Song&, Rng&);
    static const StyleFn kStyles[10] = {render_blues, render_classical, render_country, render_disco,
                                        render_hiphop, render_jazz, render_metal, render_pop,
                                        render_reggae, render_rock};
    if (genre < 0 || genre >= 10)
        throw std::invalid_argument("synthesize_clip: genre " + std::to_string(genre) + " is not in 0..9");
    if (!(seconds > 0.0) || seconds > 3600.0)
        throw std::invalid_argument("synthesize_clip: seconds must be in (0, 3600], got " + std::to_string(seconds));
    if (sr < 8000 || sr > 192000)
        throw std::invalid_argument("synthesize_clip: sample rate " + std::to_string(sr) + " is not in 8000..192000");
    Rng rng(clip_seed(seed, genre, index));
    Song song(sr, seconds);
    kStyles[genre](song, rng);
    // Crossover: real genres borrow from each other (blues-rock, disco-pop, country-rock, jazz-funk...). About
    // three clips in ten are crossovers with a neighbouring style, rendered on the same beat: most keep their own
    // music and take the neighbour's drums; the rest keep their own drums under the neighbour's bass, harmony and
    // lead (the recording's sound and loudness always stay the clip's own). Drums have no key, so both halves fit.
    // This is what keeps the task from being trivially separable, as GTZAN's own genres overlap.
    // Neighbours, as genre numbers (1 = classical: no drums, an unplugged take):
    static const std::vector<std::vector<int>> kNeighbours = {
        {5, 9, 2, 1},  // blues: jazz, rock, country, unplugged
        {5, 7},        // classical: jazz, pop
        {9, 0, 7, 1},  // country: rock, blues, pop, unplugged
        {7, 4, 8},     // disco: pop, hip hop, reggae
        {8, 7, 3},     // hiphop: reggae, pop, disco
        {0, 1, 9},     // jazz: blues, classical, rock
        {9},           // metal: rock
        {3, 9, 2, 4},  // pop: disco, rock, country, hip hop
        {4, 7, 3},     // reggae: hip hop, pop, disco
        {6, 0, 2, 7}}; // rock: metal, blues, country, pop
    if (chance(rng, kCrossoverProbability)) {
        const int other = pick_from(rng, kNeighbours[(size_t)genre]);
        const bool guest_drums = chance(rng, 0.6f);
        Rng other_rng(splitmix64_mix(clip_seed(seed, genre, index) ^ 0x63726F73736F7665ull));  // "crossove"
        Song guest(sr, seconds);
        guest.forced_grid = &song.grid;
        kStyles[other](guest, other_rng);
        if (guest_drums) {
            song.drums.swap(guest.drums);
            song.drums_gain = guest.drums_gain;
        } else {
            song.bass.swap(guest.bass);
            song.harmony.swap(guest.harmony);
            song.lead.swap(guest.lead);
            song.extra.swap(guest.extra);
            song.bass_gain = guest.bass_gain;
            song.harmony_gain = guest.harmony_gain;
            song.lead_gain = guest.lead_gain;
            song.extra_gain = guest.extra_gain;
        }
    }
    return mixdown(song, rng);
}

}  // namespace melgrad::synth
