// A file that lives in memory (memfd), named /proc/self/fd/N: the dataset reader maps a path, so the fuzz
// target hands it one without touching the disk on every execution.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace melgrad::fuzz {

inline std::string memory_file(const uint8_t* data, size_t size) {
    static const int fd = ::memfd_create("melgrad_fuzz", 0);
    if (::ftruncate(fd, 0) != 0 || (size > 0 && ::pwrite(fd, data, size, 0) != (ssize_t)size)) return "";
    return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace melgrad::fuzz
