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

namespace {

// One sample of format F from w bytes at p; BE: big-endian byte order. The format is a template
// parameter so that each format gets its own tight loop (no switch per sample).
template <SampleFormat F, bool BE>
inline float decode_one(const uint8_t* p) {
    constexpr int w = F == SampleFormat::S16 ? 2 : F == SampleFormat::S24 ? 3
                    : (F == SampleFormat::S32 || F == SampleFormat::F32) ? 4 : F == SampleFormat::F64 ? 8 : 1;
    uint8_t b[8];
    for (int j = 0; j < w; ++j) b[j] = BE ? p[w - 1 - j] : p[j];  // b is little-endian
    if constexpr (F == SampleFormat::U8) return (float(b[0]) - 128.0f) / 128.0f;
    if constexpr (F == SampleFormat::S8) return float(int8_t(b[0])) / 128.0f;
    if constexpr (F == SampleFormat::S16) return float(int16_t(b[0] | (b[1] << 8))) * (1.0f / 32768.0f);
    if constexpr (F == SampleFormat::S24)  // shift into the top 24 bits, then back down: sign extension
        return float(int32_t(uint32_t(b[0]) << 8 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 24) >> 8) *
               (1.0f / 8388608.0f);
    if constexpr (F == SampleFormat::S32)
        return float(double(int32_t(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24)) /
                     2147483648.0);
    if constexpr (F == SampleFormat::F32) {
        float f;
        std::memcpy(&f, b, 4);
        return f;
    }
    if constexpr (F == SampleFormat::F64) {
        double d;
        std::memcpy(&d, b, 8);
        return float(d);
    }
    if constexpr (F == SampleFormat::MuLaw) return float(mulaw_to_linear(b[0])) * (1.0f / 32768.0f);
    if constexpr (F == SampleFormat::ALaw) return float(alaw_to_linear(b[0])) * (1.0f / 32768.0f);
    return 0.0f;
}

template <SampleFormat F>
void convert_all(const uint8_t* src, size_t count, bool be, float* dst) {
    const int w = bytes_per_sample(F);
    if (be)
        for (size_t i = 0; i < count; ++i) dst[i] = decode_one<F, true>(src + i * w);
    else
        for (size_t i = 0; i < count; ++i) dst[i] = decode_one<F, false>(src + i * w);
}

}  // namespace

void convert_samples(const uint8_t* src, size_t count, SampleFormat f, bool be, float* dst) {
    switch (f) {
        case SampleFormat::U8: return convert_all<SampleFormat::U8>(src, count, be, dst);
        case SampleFormat::S8: return convert_all<SampleFormat::S8>(src, count, be, dst);
        case SampleFormat::S16: return convert_all<SampleFormat::S16>(src, count, be, dst);
        case SampleFormat::S24: return convert_all<SampleFormat::S24>(src, count, be, dst);
        case SampleFormat::S32: return convert_all<SampleFormat::S32>(src, count, be, dst);
        case SampleFormat::F32: return convert_all<SampleFormat::F32>(src, count, be, dst);
        case SampleFormat::F64: return convert_all<SampleFormat::F64>(src, count, be, dst);
        case SampleFormat::MuLaw: return convert_all<SampleFormat::MuLaw>(src, count, be, dst);
        case SampleFormat::ALaw: return convert_all<SampleFormat::ALaw>(src, count, be, dst);
    }
}

}  // namespace melgrad::audio
