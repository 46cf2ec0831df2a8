// The sound sources every style shares: oscillators, envelopes, plucked strings, additive and FM tones,
// sawtooth synths, a formant "voice", and a synthesised drum kit.
//
// Every renderer *adds* one note into a Buffer (a mono float signal at sample rate sr) starting at sample
// `start`; samples that fall outside the buffer are skipped, so notes may start before the clip or run past it.
// Cheap on purpose (1000 clips x 30 s must render in under a minute on 2 cores): sines come from a table,
// phases are 32-bit fixed point (2^32 = one cycle, so wrap-around is free), and decays are one multiply
// per sample (level *= exp(-1 / (tau * sr)), the exp computed once per note).
#pragma once
#include <cstdint>
#include <vector>

#include "framework/rng.h"

namespace melgrad::synth {

using Buffer = std::vector<float>;

// sin(2 pi phase / 2^32) from a 4096-entry table with linear interpolation (error < 3e-7).
float sine_at(uint32_t phase);
// The phase step per sample for frequency hz: round(hz / sr * 2^32).
uint32_t phase_step(double hz, int sr);
// Per-sample multiplier that decays by a factor e in tau_s seconds: exp(-1 / (tau_s * sr)).
float decay_factor(float tau_s, int sr);
// White noise in [-1, 1).
inline float white(Rng& rng) { return 2.0f * rng.uniform() - 1.0f; }

// Attack (linear), decay (exponential towards sustain, time constant decay_s), sustain while the note is held,
// release (exponential to silence, about -40 dB after release_s).
struct Envelope {
    float attack_s = 0.005f, decay_s = 0.3f, sustain = 0.6f, release_s = 0.08f;
};
class EnvelopeGen {
public:
    EnvelopeGen(const Envelope& e, long gate_samples, int sr);
    long length() const { return gate_ + release_len_; }  // samples until the note is silent
    float next();

private:
    long t_ = 0, gate_, attack_len_, release_len_;
    float level_ = 0.0f, sustain_, decay_mul_, release_mul_;
};

// Pitch vibrato: the frequency swings by +-cents at hz. hz = 0: none.
struct Vibrato {
    float hz = 0.0f;
    float cents = 0.0f;
};

struct Partial {
    float ratio;    // frequency as a multiple of the note's
    float amp;      // relative amplitude
    float decay_s;  // extra exponential decay of this partial (0 = none): high partials of a piano die first
};
// Every source below plays one note: it starts at sample `start`, is held for `gate` samples (then released),
// has pitch `hz` and level `gain`. What makes the sound (its timbre) is a struct with named fields, set by
// name at the call (`FmTone t; t.ratio = 3.5f; ...`), as librosa's keyword arguments would be.

// Sum of sines: gain * env(t) * sum_k amp_k e^{-t/decay_k} sin(2 pi ratio_k f t), with optional vibrato.
void add_additive(Buffer& out, long start, long gate, float hz, float gain, const std::vector<Partial>& partials,
                  const Envelope& env, int sr, const Vibrato& vibrato = Vibrato{});

// Two-operator FM (Chowning 1973): sin(2 pi f t + I(t) sin(2 pi ratio f t)), the index I decaying from `index`
// with time constant index_decay_s. Electric piano (ratio 1, I ~ 2..4), bell (ratio 3.5), bass (ratio 1, I ~ 1).
struct FmTone {
    float ratio = 1.0f;          // modulator frequency / carrier frequency
    float index = 2.0f;          // modulation index at the note start (radians)
    float index_decay_s = 0.3f;  // time constant of the index's decay: the tone darkens as it sounds
    Envelope env;
};
void add_fm(Buffer& out, long start, long gate, float hz, float gain, const FmTone& tone, int sr);

// Karplus-Strong plucked string (Karplus & Strong 1983): a noise burst circulating in a delay line of one period,
// averaged with its neighbour on every pass so high harmonics die first. Plays for `length` samples, then fades
// out in 5 ms (a muted string).
struct PluckedString {
    float brightness = 0.5f;  // in [0, 1]: 0 dark (finger), 1 twangy (pick)
    float sustain_s = 1.0f;   // time to fall by 60 dB
};
void add_pluck(Buffer& out, long start, long length, float hz, float gain, const PluckedString& string, Rng& rng,
               int sr);

// Detuned band-limited sawtooth voices (PolyBLEP) through a resonant state-variable low-pass filter.
struct SawSynth {
    int voices = 1;              // detuned sawtooth oscillators, 1..4
    float detune_cents = 0.0f;   // the outermost voices sit +-detune_cents from the note
    float cutoff_hz = 2000.0f;   // the low-pass filter's cutoff
    float resonance = 0.0f;      // 0 (smooth) .. 1 (ringing peak at the cutoff)
    float filter_env = 0.0f;     // the cutoff opens by filter_env * cutoff_hz at the note start and decays back
                                 // with the envelope's decay
    Envelope env;
    Vibrato vibrato;
};
void add_saw(Buffer& out, long start, long gate, float hz, float gain, const SawSynth& synth, int sr);

// A sung vowel: a sawtooth source through three band-pass "formant" filters at the vowel's resonances
// (vowel 0..4 = a, e, i, o, u), with vibrato. The stand-in for a singer (pop) or a rapper (hip hop, no vibrato).
constexpr Vibrato kSingerVibrato{5.0f, 30.0f};
void add_voice(Buffer& out, long start, long gate, float hz, float gain, int vowel, const Envelope& env, int sr,
               const Vibrato& vibrato = kSingerVibrato);

// One synthesised drum kit per clip (each sound a short buffer), the sound drawn from the clip's random stream.
struct KitSound {
    float kick_hz = 55.0f, kick_decay_s = 0.25f, kick_click = 0.3f;  // 808-style hip hop: decay ~0.8 s
    float snare_hz = 190.0f, snare_decay_s = 0.15f, snare_noise = 0.7f;
    float hat_decay_s = 0.04f, hat_brightness = 0.7f;
    float cymbal_decay_s = 1.6f;
};
struct DrumKit {
    Buffer kick, snare, rim, clap, hat_closed, hat_open, ride, crash, tom_high, tom_low;
};
DrumKit make_drum_kit(const KitSound& sound, Rng& rng, int sr);
// Adds a drum sound (any short buffer) at sample `at` scaled by gain.
void add_hit(Buffer& out, const Buffer& sound, long at, float gain);

// ---- effects on a whole buffer ----
void lowpass(Buffer& x, float cutoff_hz, int sr);   // one-pole: y += a (x - y), a = 1 - exp(-2 pi fc / sr)
void highpass(Buffer& x, float cutoff_hz, int sr);  // x minus its one-pole low-pass
// Soft saturation: x -> tanh-like(pre_gain x) (the rational approximation x (27 + x^2) / (27 + 9 x^2), exact 1
// at x = 3), the sound of an overdriven amplifier. Output stays within [-1, 1].
float soft_clip(float x);
void drive(Buffer& x, float pre_gain);
// Hard clipping at +-1 after pre_gain: harsher, the "metal" distortion (applied after a soft stage).
void hard_clip(Buffer& x, float pre_gain);
// Schroeder/Freeverb-style reverb: four damped feedback comb filters in parallel, then two all-passes.
// Returns the wet signal only. room in [0, 1) sets the comb feedback (tail length), damping the tail's darkness.
Buffer reverb(const Buffer& x, float room, float damping, int sr);
// Noise floor: white noise, low-passed by `color` (0 white .. 1 rumble), at RMS about `level`.
void add_noise(Buffer& x, float level, float color, Rng& rng, int sr);
// Vinyl crackle: random clicks (Poisson, clicks_per_s) of random size and sign, each a short decaying burst.
void add_crackle(Buffer& x, float clicks_per_s, float level, Rng& rng, int sr);

}  // namespace melgrad::synth

namespace melgrad::synth {

// ---- the band: named instruments built from the sources above, shared by all styles --------------------
// start/gate in samples; hz the pitch; gain the note's level.
void add_piano(Buffer& out, long start, long gate, float hz, float gain, int sr);
void add_epiano(Buffer& out, long start, long gate, float hz, float gain, int sr);     // FM electric piano
void add_organ(Buffer& out, long start, long gate, float hz, float gain, int sr);      // drawbar organ
void add_strings(Buffer& out, long start, long gate, float hz, float gain, int sr);    // slow bowed ensemble
void add_synth_pad(Buffer& out, long start, long gate, float hz, float gain, float cutoff_hz, int sr);
void add_flute(Buffer& out, long start, long gate, float hz, float gain, int sr);
void add_brass(Buffer& out, long start, long gate, float hz, float gain, int sr);      // sax / horn stand-in
void add_bass_electric(Buffer& out, long start, long gate, float hz, float gain, int sr);
void add_bass_synth(Buffer& out, long start, long gate, float hz, float gain, float cutoff_hz, int sr);
void add_bass_sub(Buffer& out, long start, long gate, float hz, float gain, int sr);   // 808-style sine boom

}  // namespace melgrad::synth
