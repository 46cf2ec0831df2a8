#include "audio/sample_format.h"

#include <cstring>

namespace melgrad::audio {

int bytes_per_sample(SampleFormat f) {
    switch (f) {
        case SampleFormat::U8: case SampleFormat::S8: case SampleFormat::MuLaw: case SampleFormat::ALaw: return 1;
        case SampleFormat::S16: return 2;
        case SampleFormat::S24: return 3;
        case SampleFormat::S32: case SampleFormat::F32: return 4;
        case SampleFormat::F64: return 8;
    }
    return 0;
}

const char* sample_format_name(SampleFormat f) {
    switch (f) {
        case SampleFormat::U8: return "PCM 8-bit unsigned";
        case SampleFormat::S8: return "PCM 8-bit signed";
        case SampleFormat::S16: return "PCM 16-bit";
        case SampleFormat::S24: return "PCM 24-bit";
        case SampleFormat::S32: return "PCM 32-bit";
        case SampleFormat::F32: return "float 32-bit";
        case SampleFormat::F64: return "float 64-bit";
        case SampleFormat::MuLaw: return "mu-law 8-bit";
        case SampleFormat::ALaw: return "A-law 8-bit";
    }
    return "?";
}

// G.711 mu-law: the byte is stored inverted; 3 exponent bits, 4 mantissa bits, bias 0x84 (132).
int16_t mulaw_to_linear(uint8_t u) {
    u = uint8_t(~u);
    const int exponent = (u >> 4) & 7, mantissa = u & 0x0f;
    const int magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    return int16_t((u & 0x80) ? -magnitude : magnitude);
}

// G.711 A-law: even bits inverted (xor 0x55); sign bit set means positive.
int16_t alaw_to_linear(uint8_t a) {
    a ^= 0x55;
    const int exponent = (a >> 4) & 7, mantissa = a & 0x0f;
    int magnitude = (mantissa << 4) + 8;
    if (exponent > 0) magnitude = (magnitude + 0x100) << (exponent - 1);
    return int16_t((a & 0x80) ? magnitude : -magnitude);
}

void convert_samples(const uint8_t* src, size_t count, SampleFormat f, bool be, float* dst) {
    const int w = bytes_per_sample(f);
    uint8_t b[8];
    for (size_t i = 0; i < count; ++i, src += w) {
        for (int j = 0; j < w; ++j) b[j] = be ? src[w - 1 - j] : src[j];  // b is little-endian
        switch (f) {
            case SampleFormat::U8: dst[i] = (float(b[0]) - 128.0f) / 128.0f; break;
            case SampleFormat::S8: dst[i] = float(int8_t(b[0])) / 128.0f; break;
            case SampleFormat::S16: dst[i] = float(int16_t(b[0] | (b[1] << 8))) / 32768.0f; break;
            case SampleFormat::S24: {
                int32_t v = int32_t(uint32_t(b[0]) << 8 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 24) >> 8;  // sign-extend
                dst[i] = float(v) / 8388608.0f;
                break;
            }
            case SampleFormat::S32: {
                int32_t v = int32_t(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24);
                dst[i] = float(double(v) / 2147483648.0);
                break;
            }
            case SampleFormat::F32: std::memcpy(&dst[i], b, 4); break;
            case SampleFormat::F64: {
                double d;
                std::memcpy(&d, b, 8);
                dst[i] = float(d);
                break;
            }
            case SampleFormat::MuLaw: dst[i] = float(mulaw_to_linear(b[0])) / 32768.0f; break;
            case SampleFormat::ALaw: dst[i] = float(alaw_to_linear(b[0])) / 32768.0f; break;
        }
    }
}

}  // namespace melgrad::audio
