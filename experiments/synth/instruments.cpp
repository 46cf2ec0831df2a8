#include "experiments/synth/instruments.h"

#include <algorithm>
#include <cmath>

#include "experiments/synth/portable_math.h"

namespace melgrad::synth {

// ---- oscillators ---------------------------------------------------------------------------------------

namespace {

constexpr int kTableBits = 12;
constexpr int kTableSize = 1 << kTableBits;
constexpr double kTwoPi = 6.283185307179586;
constexpr float kPhasePerRadian = 683565275.57643158f;  // 2^32 / (2 pi)

struct SineTable {
    float v[kTableSize + 1];
    SineTable() {
        for (int i = 0; i <= kTableSize; i++) v[i] = (float)portable_sin(kTwoPi * i / kTableSize);
    }
};
const SineTable& sine_table() {
    static const SineTable table;  // built once, thread-safe (C++11 magic statics)
    return table;
}

// PolyBLEP correction (Valimaki & Huovilainen 2007): smooths the saw's jump over one sample on either side,
// which removes most of the aliasing a naive 2t - 1 ramp has. t = phase in [0, 1), dt = phase step.
inline float polyblep(float t, float dt) {
    if (t < dt) { float x = t / dt; return x + x - x * x - 1.0f; }
    if (t > 1.0f - dt) { float x = (t - 1.0f) / dt; return x * x + x + x + 1.0f; }
    return 0.0f;
}
inline float saw_at(uint32_t phase, float dt) {
    float t = (float)phase * (1.0f / 4294967296.0f);
    return 2.0f * t - 1.0f - polyblep(t, dt);
}

// 2^(cents / 1200) - 1: the relative frequency swing of a vibrato of that many cents.
inline float cents_to_ratio_minus_one(float cents) { return (float)(portable_exp2(cents / 1200.0) - 1.0); }

}  // namespace

float sine_at(uint32_t phase) {
    const float* t = sine_table().v;
    uint32_t i = phase >> (32 - kTableBits);
    float frac = (float)(phase & ((1u << (32 - kTableBits)) - 1)) * (1.0f / (float)(1u << (32 - kTableBits)));
    return t[i] + frac * (t[i + 1] - t[i]);
}

uint32_t phase_step(double hz, int sr) {
    double step = hz / sr;
    step -= std::floor(step);  // frequencies above sr alias, as they would anyway
    return (uint32_t)std::llround(step * 4294967296.0);
}

float decay_factor(float tau_s, int sr) {
    if (tau_s <= 0.0f) return 1.0f;
    return (float)portable_exp(-1.0 / ((double)tau_s * sr));
}

// ---- envelope ------------------------------------------------------------------------------------------

EnvelopeGen::EnvelopeGen(const Envelope& e, long gate_samples, int sr)
    : gate_(std::max(1L, gate_samples)),
      attack_len_(std::max(1L, (long)(e.attack_s * sr))),
      release_len_(std::max(1L, (long)(e.release_s * sr))),
      sustain_(e.sustain),
      decay_mul_(decay_factor(e.decay_s, sr)),
      release_mul_((float)portable_exp(-4.6 / (double)std::max(1L, (long)(e.release_s * sr)))) {}

float EnvelopeGen::next() {
    if (t_ < gate_ && t_ < attack_len_) level_ = (float)(t_ + 1) / (float)attack_len_;
    else if (t_ < gate_) level_ = sustain_ + (level_ - sustain_) * decay_mul_;
    else level_ *= release_mul_;
    t_++;
    return level_;
}

// ---- tones ---------------------------------------------------------------------------------------------

void add_additive(Buffer& out, long start, long gate, float hz, float gain, const std::vector<Partial>& partials,
                  const Envelope& env, int sr, const Vibrato& vibrato) {
    constexpr int kMax = 16;
    uint32_t phase[kMax], step[kMax];
    float amp[kMax], mul[kMax];
    int n = 0;
    for (const Partial& p : partials) {
        if (n == kMax || hz * p.ratio > 0.45f * sr) continue;  // skip what would alias
        phase[n] = 0;
        step[n] = phase_step((double)hz * p.ratio, sr);
        amp[n] = p.amp;
        mul[n] = decay_factor(p.decay_s, sr);
        n++;
    }
    EnvelopeGen eg(env, gate, sr);
    const long len = eg.length(), size = (long)out.size();
    const uint32_t vib_step = phase_step(vibrato.hz, sr);
    const float vib_depth = vibrato.hz > 0.0f ? cents_to_ratio_minus_one(vibrato.cents) : 0.0f;
    uint32_t vib_phase = 0;
    for (long t = 0; t < len && start + t < size; t++) {
        float e = eg.next();
        float m = 1.0f;
        if (vib_depth != 0.0f) { m += vib_depth * sine_at(vib_phase); vib_phase += vib_step; }
        float s = 0.0f;
        for (int k = 0; k < n; k++) {
            s += amp[k] * sine_at(phase[k]);
            phase[k] += vib_depth != 0.0f ? (uint32_t)((float)step[k] * m) : step[k];
            amp[k] *= mul[k];
        }
        if (start + t >= 0) out[(size_t)(start + t)] += gain * e * s;
    }
}

void add_fm(Buffer& out, long start, long gate, float hz, float gain, const FmTone& tone, int sr) {
    EnvelopeGen eg(tone.env, gate, sr);
    const long len = eg.length(), size = (long)out.size();
    const uint32_t carrier_step = phase_step(hz, sr), mod_step = phase_step((double)hz * tone.ratio, sr);
    const float index_mul = decay_factor(tone.index_decay_s, sr);
    uint32_t carrier = 0, mod = 0;
    float idx = tone.index;
    for (long t = 0; t < len && start + t < size; t++) {
        float e = eg.next();
        // Phase modulation by idx * sin(modulator), converted from radians to fixed-point phase.
        int64_t offset = (int64_t)(idx * sine_at(mod) * kPhasePerRadian);
        float s = sine_at(carrier + (uint32_t)offset);
        carrier += carrier_step;
        mod += mod_step;
        idx *= index_mul;
        if (start + t >= 0) out[(size_t)(start + t)] += gain * e * s;
    }
}

void add_pluck(Buffer& out, long start, long length, float hz, float gain, const PluckedString& string, Rng& rng,
               int sr) {
    const float brightness = string.brightness, sustain_s = string.sustain_s;
    // Loop filter y = (1 - b) x[n] + b x[n+1] delays by b samples; the line is one period minus that.
    const float blend = 0.5f - 0.35f * brightness;
    const int period = std::max(2, (int)std::lround((double)sr / hz - blend));
    // The string's energy falls 60 dB in sustain_s: per period (one pass through the loop) by 10^(-3 / (T f)).
    const float loss = (float)portable_exp10(-3.0 / ((double)sustain_s * hz));
    std::vector<float> line((size_t)period);
    // The pluck: noise, low-passed more for a dark (finger) pluck than a bright (pick) one.
    const float a = 0.15f + 0.85f * brightness;
    float y = 0.0f, mean = 0.0f, peak = 1e-6f;
    for (float& v : line) { y += a * (white(rng) - y); v = y; mean += y; }
    mean /= (float)period;
    for (float& v : line) { v -= mean; peak = std::max(peak, std::fabs(v)); }
    const float norm = 1.0f / peak;
    const long fade = std::max(1L, (long)(0.005 * sr)), size = (long)out.size();
    int p = 0;
    for (long t = 0; t < length + fade && start + t < size; t++) {
        int q = p + 1 == period ? 0 : p + 1;
        float v = line[(size_t)p];
        line[(size_t)p] = loss * ((1.0f - blend) * v + blend * line[(size_t)q]);
        p = q;
        float f = t < length ? 1.0f : 1.0f - (float)(t - length) / (float)fade;
        if (start + t >= 0) out[(size_t)(start + t)] += gain * norm * f * v;
    }
}

void add_saw(Buffer& out, long start, long gate, float hz, float gain, const SawSynth& synth, int sr) {
    constexpr int kMax = 4;
    const int voices = std::max(1, std::min(kMax, synth.voices));
    const float detune_cents = synth.detune_cents, cutoff_hz = synth.cutoff_hz, resonance = synth.resonance;
    const Envelope& env = synth.env;
    uint32_t phase[kMax], step[kMax];
    for (int v = 0; v < voices; v++) {
        float cents = voices == 1 ? 0.0f : detune_cents * (2.0f * v / (voices - 1) - 1.0f);
        step[v] = phase_step(hz * portable_exp2(cents / 1200.0), sr);
        phase[v] = (uint32_t)(0x9E3779B9u * (uint32_t)(v + 1));  // spread start phases: no phasing thump
    }
    EnvelopeGen eg(env, gate, sr);
    const long len = eg.length(), size = (long)out.size();
    // Chamberlin state-variable filter: low += f band; high = x - low - q band; band += f high,
    // f = 2 sin(pi fc / sr) ~ 2 pi fc / sr, q = 1 / Q. fc is capped at 0.16 sr where the filter stays stable.
    const float q = 1.5f * (1.0f - resonance) + 0.1f;
    const float fc_max = 0.16f * sr, f_per_hz = (float)(kTwoPi / sr);
    const float env_mul = decay_factor(env.decay_s, sr);
    const uint32_t vib_step = phase_step(synth.vibrato.hz, sr);
    const float vib_depth = synth.vibrato.hz > 0.0f ? cents_to_ratio_minus_one(synth.vibrato.cents) : 0.0f;
    uint32_t vib_phase = 0;
    float fenv = synth.filter_env, low = 0.0f, band = 0.0f;
    const float voice_gain = 1.0f / std::sqrt((float)voices);
    for (long t = 0; t < len && start + t < size; t++) {
        float e = eg.next();
        float m = 1.0f;
        if (vib_depth != 0.0f) { m += vib_depth * sine_at(vib_phase); vib_phase += vib_step; }
        float x = 0.0f;
        for (int v = 0; v < voices; v++) {
            uint32_t st = vib_depth != 0.0f ? (uint32_t)((float)step[v] * m) : step[v];
            x += saw_at(phase[v], (float)st * (1.0f / 4294967296.0f));
            phase[v] += st;
        }
        float fc = std::min(fc_max, cutoff_hz * (1.0f + fenv));
        fenv *= env_mul;
        float f = fc * f_per_hz;
        low += f * band;
        float high = x * voice_gain - low - q * band;
        band += f * high;
        if (start + t >= 0) out[(size_t)(start + t)] += gain * e * low;
    }
}

void add_voice(Buffer& out, long start, long gate, float hz, float gain, int vowel, const Envelope& env, int sr,
               const Vibrato& vibrato) {
    // Formant frequencies (Hz) of five vowels, roughly those of an adult voice (Peterson & Barney 1952).
    static const float kFormants[5][3] = {
        {800, 1150, 2800}, {400, 1700, 2600}, {300, 2200, 2900}, {450, 800, 2800}, {330, 700, 2500}};
    static const float kLevels[3] = {1.0f, 0.6f, 0.3f};
    const float* formant = kFormants[((vowel % 5) + 5) % 5];
    float f[3];
    for (int k = 0; k < 3; k++) f[k] = (float)(2.0 * portable_sin(kPi * std::min(formant[k], 0.2f * sr) / sr));
    const float q = 0.12f;  // narrow resonances; the band-pass output peaks at about 1 / q, so we scale by q
    float low[3] = {0, 0, 0}, band[3] = {0, 0, 0};
    EnvelopeGen eg(env, gate, sr);
    const long len = eg.length(), size = (long)out.size();
    const uint32_t step = phase_step(hz, sr), vib_step = phase_step(vibrato.hz, sr);
    const float vib_depth = cents_to_ratio_minus_one(vibrato.cents);
    uint32_t phase = 0, vib_phase = 0;
    for (long t = 0; t < len && start + t < size; t++) {
        float e = eg.next();
        // Vibrato fades in over the note, as singers do.
        float depth = vib_depth * std::min(1.0f, (float)t / (0.3f * sr));
        uint32_t st = (uint32_t)((float)step * (1.0f + depth * sine_at(vib_phase)));
        vib_phase += vib_step;
        float x = saw_at(phase, (float)st * (1.0f / 4294967296.0f));
        phase += st;
        float y = 0.0f;
        for (int k = 0; k < 3; k++) {
            low[k] += f[k] * band[k];
            float high = x - low[k] - q * band[k];
            band[k] += f[k] * high;
            y += kLevels[k] * q * band[k];
        }
        if (start + t >= 0) out[(size_t)(start + t)] += 2.0f * gain * e * y;
    }
}

// ---- drums ---------------------------------------------------------------------------------------------

namespace {

// A drum body: a sine whose pitch falls from (1 + bend) * hz to hz and whose level decays, plus a 3 ms noise
// burst for the beater.
struct DrumBody {
    float hz = 100.0f;     // the pitch it settles to
    float bend = 0.0f;     // it starts at (1 + bend) * hz ...
    float bend_s = 0.01f;  // ... and falls with this time constant
    float decay_s = 0.2f;  // the level's time constant
    float click = 0.0f;    // the beater's noise burst, relative to the body
};
Buffer pitched_drum(const DrumBody& drum, Rng& rng, int sr) {
    const float hz = drum.hz, bend = drum.bend, bend_s = drum.bend_s, decay_s = drum.decay_s, click = drum.click;
    long len = (long)(std::min(1.5f, 5.0f * decay_s) * sr);
    Buffer b((size_t)len);
    uint32_t phase = 0;
    const float bend_mul = decay_factor(bend_s, sr), level_mul = decay_factor(decay_s, sr);
    float bend_now = bend, level = 1.0f;
    const long click_len = std::max(1L, (long)(0.003 * sr));
    for (long t = 0; t < len; t++) {
        float body = sine_at(phase) * level;
        phase += phase_step((double)hz * (1.0 + bend_now), sr);  // pitch falls as bend_now decays to 0
        bend_now *= bend_mul;
        level *= level_mul;
        float beater = t < click_len ? click * white(rng) * (1.0f - (float)t / (float)click_len) : 0.0f;
        b[(size_t)t] = soft_clip(1.2f * body + beater);
    }
    return b;
}

// Filtered noise with an exponential decay: hats, cymbals, the snare's wires.
Buffer noise_burst(float decay_s, float highpass_hz, float lowpass_hz, float attack_s, Rng& rng, int sr) {
    long len = (long)(std::min(3.0f, 5.0f * decay_s) * sr);
    Buffer b((size_t)len);
    float mul = decay_factor(decay_s, sr), level = 1.0f;
    long attack = std::max(1L, (long)(attack_s * sr));
    for (long t = 0; t < len; t++) {
        b[(size_t)t] = white(rng) * level * std::min(1.0f, (float)(t + 1) / (float)attack);
        level *= mul;
    }
    if (highpass_hz > 0) { highpass(b, highpass_hz, sr); highpass(b, highpass_hz, sr); }
    if (lowpass_hz > 0) lowpass(b, lowpass_hz, sr);
    return b;
}

void normalise_peak(Buffer& b, float peak) {
    float m = 1e-9f;
    for (float v : b) m = std::max(m, std::fabs(v));
    for (float& v : b) v *= peak / m;
}

// Inharmonic partials of a struck metal plate: cymbals and cowbell-ish bells.
void add_metal(Buffer& b, float base_hz, float decay_s, float level, int sr) {
    static const float kRatios[6] = {1.0f, 1.483f, 1.932f, 2.546f, 2.97f, 3.74f};
    std::vector<Partial> partials;
    for (int k = 0; k < 6; k++) partials.push_back({kRatios[k], 1.0f / (1.0f + 0.3f * k), decay_s * (1.0f - 0.1f * k)});
    add_additive(b, 0, (long)b.size(), base_hz, level / 3.0f, partials, Envelope{0.001f, 0.0f, 1.0f, 0.01f}, sr);
}

}  // namespace

DrumKit make_drum_kit(const KitSound& s, Rng& rng, int sr) {
    DrumKit k;
    // Every clip's kit differs a little: pitch +-8%, decays +-20%.
    auto jitter = [&](float x, float amount) { return x * rng.uniform(1.0f - amount, 1.0f + amount); };
    DrumBody kick;
    kick.decay_s = jitter(s.kick_decay_s, 0.2f);  // the three draws in this order: the order the kits were made with
    kick.bend = jitter(2.5f, 0.3f);
    kick.hz = jitter(s.kick_hz, 0.08f);
    kick.bend_s = 0.025f;
    kick.click = s.kick_click;
    k.kick = pitched_drum(kick, rng, sr);
    normalise_peak(k.kick, 1.0f);

    DrumBody snare;
    snare.hz = jitter(s.snare_hz, 0.08f);
    snare.bend = 0.5f;
    snare.bend_s = 0.01f;
    snare.decay_s = 0.05f;
    k.snare = pitched_drum(snare, rng, sr);
    Buffer wires = noise_burst(jitter(s.snare_decay_s, 0.2f), 1200.0f, 7000.0f, 0.001f, rng, sr);
    normalise_peak(wires, 1.0f);
    if (wires.size() > k.snare.size()) k.snare.resize(wires.size(), 0.0f);
    for (size_t t = 0; t < k.snare.size(); t++)
        k.snare[t] = (1.0f - s.snare_noise) * k.snare[t] + s.snare_noise * (t < wires.size() ? wires[t] : 0.0f);
    normalise_peak(k.snare, 1.0f);

    DrumBody rim;
    rim.hz = jitter(820.0f, 0.1f);
    rim.bend = 0.2f;
    rim.bend_s = 0.005f;
    rim.decay_s = 0.012f;
    rim.click = 0.5f;
    k.rim = pitched_drum(rim, rng, sr);
    normalise_peak(k.rim, 0.8f);

    // Hand clap: three quick bursts and a short tail.
    k.clap = Buffer((size_t)(0.3 * sr), 0.0f);
    for (int burst = 0; burst < 4; burst++) {
        Buffer b = noise_burst(burst < 3 ? 0.006f : 0.09f, 900.0f, 3500.0f, 0.0005f, rng, sr);
        add_hit(k.clap, b, (long)(burst * 0.011 * sr), 1.0f);
    }
    normalise_peak(k.clap, 0.9f);

    float hat_hp = 4000.0f + 4000.0f * s.hat_brightness;
    k.hat_closed = noise_burst(jitter(s.hat_decay_s, 0.25f), hat_hp, 0.0f, 0.0005f, rng, sr);
    normalise_peak(k.hat_closed, 0.7f);
    k.hat_open = noise_burst(jitter(0.35f, 0.25f), hat_hp, 0.0f, 0.001f, rng, sr);
    add_metal(k.hat_open, jitter(3200.0f, 0.1f), 0.3f, 0.3f, sr);
    normalise_peak(k.hat_open, 0.7f);

    k.ride = noise_burst(jitter(0.9f, 0.25f), 5000.0f, 0.0f, 0.001f, rng, sr);
    for (float& v : k.ride) v *= 0.4f;
    add_metal(k.ride, jitter(580.0f, 0.1f), 0.8f, 1.0f, sr);
    normalise_peak(k.ride, 0.6f);

    k.crash = noise_burst(jitter(s.cymbal_decay_s, 0.25f), 2500.0f, 0.0f, 0.003f, rng, sr);
    add_metal(k.crash, jitter(420.0f, 0.1f), s.cymbal_decay_s * 0.5f, 0.5f, sr);
    normalise_peak(k.crash, 0.8f);

    DrumBody tom;
    tom.bend = 0.6f;
    tom.bend_s = 0.03f;
    tom.click = 0.2f;
    tom.hz = jitter(190.0f, 0.1f);
    tom.decay_s = 0.18f;
    k.tom_high = pitched_drum(tom, rng, sr);
    tom.hz = jitter(110.0f, 0.1f);
    tom.decay_s = 0.25f;
    k.tom_low = pitched_drum(tom, rng, sr);
    return k;
}

void add_hit(Buffer& out, const Buffer& sound, long at, float gain) {
    const long size = (long)out.size(), len = (long)sound.size();
    long from = std::max(0L, -at), to = std::min(len, size - at);
    for (long t = from; t < to; t++) out[(size_t)(at + t)] += gain * sound[(size_t)t];
}

// ---- effects -------------------------------------------------------------------------------------------

void lowpass(Buffer& x, float cutoff_hz, int sr) {
    const float a = (float)(1.0 - portable_exp(-kTwoPi * cutoff_hz / sr));
    float y = 0.0f;
    for (float& v : x) { y += a * (v - y); v = y; }
}

void highpass(Buffer& x, float cutoff_hz, int sr) {
    const float a = (float)(1.0 - portable_exp(-kTwoPi * cutoff_hz / sr));
    float y = 0.0f;
    for (float& v : x) { y += a * (v - y); v -= y; }
}

float soft_clip(float x) {
    if (x > 3.0f) return 1.0f;
    if (x < -3.0f) return -1.0f;
    float x2 = x * x;
    return x * (27.0f + x2) / (27.0f + 9.0f * x2);
}

void drive(Buffer& x, float pre_gain) {
    for (float& v : x) v = soft_clip(pre_gain * v);
}

void hard_clip(Buffer& x, float pre_gain) {
    for (float& v : x) v = std::max(-1.0f, std::min(1.0f, pre_gain * v));
}

Buffer reverb(const Buffer& x, float room, float damping, int sr) {
    // Freeverb's tunings (in samples at 44.1 kHz), scaled to sr. Mutually prime lengths so echoes do not pile up.
    static const int kComb[4] = {1116, 1188, 1277, 1356};
    static const int kAllpass[2] = {556, 441};
    const double scale = sr / 44100.0;
    Buffer wet(x.size(), 0.0f);
    const float in_gain = 0.25f * (1.0f - room);  // keeps the wet level roughly independent of the tail length
    for (int c = 0; c < 4; c++) {
        std::vector<float> line((size_t)std::max(1L, std::lround(kComb[c] * scale)), 0.0f);
        size_t p = 0;
        float filt = 0.0f;
        for (size_t t = 0; t < x.size(); t++) {
            float y = line[p];
            filt = y * (1.0f - damping) + filt * damping;  // the tail gets darker as it decays
            line[p] = in_gain * x[t] + filt * room;
            if (++p == line.size()) p = 0;
            wet[t] += y;
        }
    }
    for (int a = 0; a < 2; a++) {
        std::vector<float> line((size_t)std::max(1L, std::lround(kAllpass[a] * scale)), 0.0f);
        size_t p = 0;
        for (float& v : wet) {
            float delayed = line[p];
            line[p] = v + 0.5f * delayed;
            v = delayed - v;
            if (++p == line.size()) p = 0;
        }
    }
    return wet;
}

void add_noise(Buffer& x, float level, float color, Rng& rng, int sr) {
    const float a = 1.0f - 0.97f * color;
    // RMS of white noise in [-1, 1) is 1/sqrt(3); a one-pole low-pass keeps sqrt(a / (2 - a)) of it.
    const float norm = level * std::sqrt(3.0f) / std::sqrt(a / (2.0f - a));
    float y = 0.0f;
    for (float& v : x) { y += a * (white(rng) - y); v += norm * y; }
}

void add_crackle(Buffer& x, float clicks_per_s, float level, Rng& rng, int sr) {
    if (clicks_per_s <= 0.0f) return;
    const double mean_gap = (double)sr / clicks_per_s;
    double at = 0.0;
    while (true) {
        at += -portable_log(1.0 - (double)rng.uniform()) * mean_gap;  // exponential gaps: a Poisson process
        if (at >= (double)x.size()) break;
        float size = rng.uniform();
        float amp = level * (0.2f + 0.8f * size * size) * (rng.uniform() < 0.5f ? -1.0f : 1.0f);
        long len = 3 + (long)(rng.uniform() * 30.0f);
        for (long t = 0; t < len && (long)at + t < (long)x.size(); t++) {
            x[(size_t)((long)at + t)] += amp;
            amp *= -0.75f;  // a ringing, sign-flipping decay: a sharp "tick"
        }
    }
}

}  // namespace melgrad::synth

namespace melgrad::synth {

void add_piano(Buffer& out, long start, long gate, float hz, float gain, int sr) {
    // Hammered string: bright attack, high partials dying much faster than the fundamental.
    static const std::vector<Partial> kPartials = {{1.0f, 1.0f, 0.0f},   {2.0f, 0.5f, 1.2f}, {3.0f, 0.3f, 0.7f},
                                                   {4.0f, 0.2f, 0.45f},  {5.0f, 0.12f, 0.3f}, {6.0f, 0.08f, 0.2f}};
    add_additive(out, start, gate, hz, gain, kPartials, Envelope{0.002f, 1.4f, 0.0f, 0.15f}, sr);
}

void add_epiano(Buffer& out, long start, long gate, float hz, float gain, int sr) {
    FmTone tone;
    tone.ratio = 1.0f;
    tone.index = 2.2f;
    tone.index_decay_s = 0.35f;
    tone.env = Envelope{0.002f, 1.0f, 0.15f, 0.2f};
    add_fm(out, start, gate, hz, gain, tone, sr);
}

void add_organ(Buffer& out, long start, long gate, float hz, float gain, int sr) {
    // Drawbars 16' 8' 4' 2 2/3' 2': sub-octave, fundamental, octave, twelfth, fifteenth.
    static const std::vector<Partial> kPartials = {
        {0.5f, 0.5f, 0.0f}, {1.0f, 1.0f, 0.0f}, {2.0f, 0.6f, 0.0f}, {3.0f, 0.35f, 0.0f}, {4.0f, 0.25f, 0.0f}};
    Vibrato vibrato;
    vibrato.hz = 6.5f;
    vibrato.cents = 8.0f;
    add_additive(out, start, gate, hz, gain * 0.6f, kPartials, Envelope{0.006f, 0.1f, 1.0f, 0.04f}, sr, vibrato);
}

void add_strings(Buffer& out, long start, long gate, float hz, float gain, int sr) {
    SawSynth ensemble;  // three slightly detuned players, a soft bow attack
    ensemble.voices = 3;
    ensemble.detune_cents = 9.0f;
    ensemble.cutoff_hz = std::min(3200.0f, hz * 6.0f);
    ensemble.resonance = 0.1f;
    ensemble.env = Envelope{0.25f, 0.5f, 0.9f, 0.5f};
    ensemble.vibrato.hz = 5.2f;
    ensemble.vibrato.cents = 10.0f;
    add_saw(out, start, gate, hz, gain, ensemble, sr);
}

void add_synth_pad(Buffer& out, long start, long gate, float hz, float gain, float cutoff_hz, int sr) {
    SawSynth pad;
    pad.voices = 2;
    pad.detune_cents = 7.0f;
    pad.cutoff_hz = cutoff_hz;
    pad.resonance = 0.3f;
    pad.filter_env = 1.0f;
    pad.env = Envelope{0.01f, 0.4f, 0.6f, 0.15f};
    add_saw(out, start, gate, hz, gain, pad, sr);
}

void add_flute(Buffer& out, long start, long gate, float hz, float gain, int sr) {
    static const std::vector<Partial> kPartials = {{1.0f, 1.0f, 0.0f}, {2.0f, 0.25f, 0.0f}, {3.0f, 0.1f, 0.0f}};
    Vibrato vibrato;
    vibrato.hz = 5.0f;
    vibrato.cents = 15.0f;
    add_additive(out, start, gate, hz, gain, kPartials, Envelope{0.06f, 0.3f, 0.8f, 0.12f}, sr, vibrato);
}

void add_brass(Buffer& out, long start, long gate, float hz, float gain, int sr) {
    // Brass and saxophone brighten as they get louder: a filter envelope on a sawtooth, plus vibrato.
    SawSynth horn;
    horn.cutoff_hz = hz * 3.0f;
    horn.resonance = 0.35f;
    horn.filter_env = 1.5f;
    horn.env = Envelope{0.03f, 0.3f, 0.75f, 0.08f};
    horn.vibrato.hz = 5.5f;
    horn.vibrato.cents = 18.0f;
    add_saw(out, start, gate, hz, gain, horn, sr);
}

void add_bass_electric(Buffer& out, long start, long gate, float hz, float gain, int sr) {
    static const std::vector<Partial> kPartials = {
        {1.0f, 1.0f, 0.0f}, {2.0f, 0.45f, 0.5f}, {3.0f, 0.25f, 0.3f}, {4.0f, 0.12f, 0.2f}};
    add_additive(out, start, gate, hz, gain, kPartials, Envelope{0.004f, 0.8f, 0.35f, 0.05f}, sr);
}

void add_bass_synth(Buffer& out, long start, long gate, float hz, float gain, float cutoff_hz, int sr) {
    SawSynth bass;
    bass.cutoff_hz = cutoff_hz;
    bass.resonance = 0.4f;
    bass.filter_env = 2.0f;
    bass.env = Envelope{0.003f, 0.25f, 0.5f, 0.04f};
    add_saw(out, start, gate, hz, gain, bass, sr);
}

void add_bass_sub(Buffer& out, long start, long gate, float hz, float gain, int sr) {
    static const std::vector<Partial> kPartials = {{1.0f, 1.0f, 0.0f}, {2.0f, 0.15f, 0.2f}};
    add_additive(out, start, gate, hz, gain, kPartials, Envelope{0.004f, 0.9f, 0.3f, 0.1f}, sr);
}

}  // namespace melgrad::synth
