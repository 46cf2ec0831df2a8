// Reading a whole file into memory, with the errors a user needs (missing, a directory, empty, unreadable).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace melgrad::audio {

// The largest audio file read into memory (some 13 hours of 44.1 kHz stereo 16-bit): a bound, not a goal.
constexpr uint64_t kMaxAudioFileBytes = uint64_t(8) << 30;

// Never opens anything but a regular file (stat first: a FIFO would block, /dev/zero never ends).
// Throws std::runtime_error("PATH: does not exist" / ": is a directory" / ": is empty" / ...).
std::vector<uint8_t> read_file_bytes(const std::string& path);
// The same checks without reading; returns the file's size.
size_t check_audio_file(const std::string& path);

// Little- and big-endian integers from a byte buffer (the caller checks the bounds).
inline uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24); }
inline uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]); }

}  // namespace melgrad::audio
