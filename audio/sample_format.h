// Raw sample encodings found in WAV and AU files, and their conversion to float in [-1, 1]
// (the same scaling libsndfile / soundfile / librosa use: integer / 2^(bits-1)).
#pragma once
#include <cstddef>
#include <cstdint>

namespace melgrad::audio {

enum class SampleFormat {
    U8,     // unsigned 8-bit (WAV):          (b - 128) / 128
    S8,     // signed 8-bit (AU):             b / 128
    S16,    // signed 16-bit:                 v / 32768
    S24,    // signed 24-bit:                 v / 8388608
    S32,    // signed 32-bit:                 v / 2147483648
    F32,    // IEEE float 32-bit, as is
    F64,    // IEEE float 64-bit, rounded to float
    MuLaw,  // G.711 mu-law 8-bit -> 16-bit linear / 32768
    ALaw,   // G.711 A-law 8-bit  -> 16-bit linear / 32768
};

int bytes_per_sample(SampleFormat f);
const char* sample_format_name(SampleFormat f);
// Converts count samples starting at src (big_endian: byte order of multi-byte samples) into dst.
void convert_samples(const uint8_t* src, size_t count, SampleFormat f, bool big_endian, float* dst);

// G.711 decoders, exposed for tests.
int16_t mulaw_to_linear(uint8_t u);
int16_t alaw_to_linear(uint8_t a);

}  // namespace melgrad::audio
