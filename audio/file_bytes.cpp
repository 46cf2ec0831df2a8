#include "audio/file_bytes.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>

namespace melgrad::audio {

static size_t checked_size(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) throw std::runtime_error(path + ": does not exist");
        throw std::runtime_error(path + ": cannot access (" + std::strerror(errno) + ")");
    }
    if (S_ISDIR(st.st_mode)) throw std::runtime_error(path + ": is a directory, not an audio file");
    if (!S_ISREG(st.st_mode)) throw std::runtime_error(path + ": is not a regular file");
    if (st.st_size == 0) throw std::runtime_error(path + ": is empty (0 bytes)");
    if (uint64_t(st.st_size) > kMaxAudioFileBytes)
        throw std::runtime_error(path + ": is " + std::to_string(st.st_size) + " bytes, more than the " +
                                 std::to_string(kMaxAudioFileBytes) + " an audio file may have here");
    return size_t(st.st_size);
}

void check_readable_file(const std::string& path) { (void)checked_size(path); }

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
