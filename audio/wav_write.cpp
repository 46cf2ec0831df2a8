#include "audio/wav_write.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

#include "framework/atomic_file.h"

namespace melgrad::audio {

int16_t float_to_pcm16(float x) {
    if (!(x == x)) return 0;  // NaN
    if (x > 1.0f) x = 1.0f;
    if (x < -1.0f) x = -1.0f;
    return (int16_t)std::lround((double)x * 32767.0);
}

namespace {

void put_u32(std::vector<unsigned char>& b, uint32_t v) {
    for (int i = 0; i < 4; i++) b.push_back((unsigned char)(v >> (8 * i)));
}
void put_u16(std::vector<unsigned char>& b, uint16_t v) {
    b.push_back((unsigned char)(v & 0xFF));
    b.push_back((unsigned char)(v >> 8));
}
void put_tag(std::vector<unsigned char>& b, const char* tag) { b.insert(b.end(), tag, tag + 4); }

}  // namespace

void write_wav_pcm16(const std::string& path, const std::vector<float>& samples, int sample_rate) {
    if (sample_rate <= 0)
        throw std::runtime_error(path + ": cannot write WAV with sample rate " + std::to_string(sample_rate));
    const uint64_t data_bytes = 2ull * samples.size();
    if (data_bytes > 0xFFFFFFFFull - 36)
        throw std::runtime_error(path + ": too many samples for a WAV file (" + std::to_string(samples.size()) + ")");

    std::vector<unsigned char> bytes;
    bytes.reserve(44 + data_bytes);
    put_tag(bytes, "RIFF");
    put_u32(bytes, (uint32_t)(36 + data_bytes));
    put_tag(bytes, "WAVE");
    put_tag(bytes, "fmt ");
    put_u32(bytes, 16);                        // size of the fmt chunk
    put_u16(bytes, 1);                         // PCM
    put_u16(bytes, 1);                         // mono
    put_u32(bytes, (uint32_t)sample_rate);
    put_u32(bytes, (uint32_t)sample_rate * 2); // bytes per second
    put_u16(bytes, 2);                         // bytes per frame
    put_u16(bytes, 16);                        // bits per sample
    put_tag(bytes, "data");
    put_u32(bytes, (uint32_t)data_bytes);
    for (float x : samples) put_u16(bytes, (uint16_t)float_to_pcm16(x));

    write_file_atomically(path, {ByteSpan{bytes.data(), bytes.size()}});
}

}  // namespace melgrad::audio
