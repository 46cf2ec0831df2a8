// Helpers for the reader tests: WAV and AU byte buffers built by hand (good and malformed ones), written
// to a temporary directory.
#pragma once
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace melgrad::audio::testing {

using Bytes = std::vector<uint8_t>;

inline void put_le(Bytes& b, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b.push_back(uint8_t(v >> (8 * i)));
}
inline void put_be(Bytes& b, uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) b.push_back(uint8_t(v >> (8 * i)));
}
inline void put_str(Bytes& b, const char* s) { b.insert(b.end(), s, s + std::strlen(s)); }

inline Bytes chunk(const char* id, const Bytes& body, int64_t claimed_size = -1) {
    Bytes c;
    put_str(c, id);
    put_le(c, claimed_size >= 0 ? uint64_t(claimed_size) : body.size(), 4);
    c.insert(c.end(), body.begin(), body.end());
    if (body.size() % 2) c.push_back(0);  // RIFF pads odd chunks
    return c;
}

inline Bytes fmt_body(int tag, int channels, int rate, int bits) {
    Bytes f;
    put_le(f, tag, 2);
    put_le(f, channels, 2);
    put_le(f, rate, 4);
    put_le(f, uint64_t(rate) * channels * bits / 8, 4);
    put_le(f, channels * bits / 8, 2);
    put_le(f, bits, 2);
    return f;
}

// WAVE_FORMAT_EXTENSIBLE fmt chunk whose sub-format GUID starts with sub_tag (1 PCM, 3 float)
inline Bytes fmt_extensible(int sub_tag, int channels, int rate, int bits) {
    Bytes f = fmt_body(0xFFFE, channels, rate, bits);
    put_le(f, 22, 2);    // cbSize
    put_le(f, bits, 2);  // valid bits
    put_le(f, 0x3, 4);   // channel mask FL|FR
    put_le(f, sub_tag, 2);
    const uint8_t tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    f.insert(f.end(), tail, tail + 14);
    return f;
}

inline Bytes riff(const std::vector<Bytes>& chunks) {
    Bytes body;
    put_str(body, "WAVE");
    for (const Bytes& c : chunks) body.insert(body.end(), c.begin(), c.end());
    Bytes out;
    put_str(out, "RIFF");
    put_le(out, body.size(), 4);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

inline Bytes au_file(uint32_t encoding, uint32_t rate, uint32_t channels, const Bytes& data, uint32_t offset = 24,
                int64_t claimed_size = -1) {
    Bytes out;
    put_str(out, ".snd");
    put_be(out, offset, 4);
    put_be(out, claimed_size >= 0 ? uint64_t(claimed_size) : data.size(), 4);
    put_be(out, encoding, 4);
    put_be(out, rate, 4);
    put_be(out, channels, 4);
    while (out.size() < offset) out.push_back('x');  // annotation
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

// One folder per test process, removed when the process exits (the streaming tests write songs of megabytes).
struct TempDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("melgrad_audio_tests_" + std::to_string(::getpid()));
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

inline std::string temp_dir() {
    static const TempDir dir;
    return dir.path.string();
}

inline std::string write_temp(const std::string& name, const Bytes& b) {
    const std::string path = temp_dir() + "/" + name;
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
    return path;
}

inline Bytes f32_bytes(const std::vector<float>& v) {
    Bytes b(v.size() * 4);
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

}  // namespace melgrad::audio::testing
