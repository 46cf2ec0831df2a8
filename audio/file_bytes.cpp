#include "audio/file_bytes.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "framework/input_file.h"

namespace melgrad::audio {

// Missing files, folders, FIFOs and devices are refused by framework/input_file.h, as for every other
// file melgrad reads; an audio file must also be non-empty and not absurdly large.
static size_t checked_size(const std::string& path) {
    const size_t size = regular_file_size(path);
    if (size == 0) throw std::runtime_error(path + ": is empty (0 bytes)");
    if (uint64_t(size) > kMaxAudioFileBytes)
        throw std::runtime_error(path + ": is " + std::to_string(size) + " bytes, more than the " +
                                 std::to_string(kMaxAudioFileBytes) + " an audio file may have here");
    return size;
}

size_t check_audio_file(const std::string& path) { return checked_size(path); }

std::vector<uint8_t> read_file_bytes(const std::string& path) {
    const size_t size = checked_size(path);
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw std::runtime_error(path + ": cannot open (" + std::strerror(errno) + ")");
    std::vector<uint8_t> bytes(size);
    const size_t got = std::fread(bytes.data(), 1, size, f);
    std::fclose(f);
    if (got != size) throw std::runtime_error(path + ": read " + std::to_string(got) + " of " + std::to_string(size) + " bytes");
    return bytes;
}

}  // namespace melgrad::audio
