// Helpers for the figures tests: decode a PNG (stb_image) and make a scratch folder.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <stb/stb_image.h>

#include "experiments/figures/image.h"

namespace melgrad::figures::testing {

struct Decoded {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;
    Rgb at(int x, int y) const {
        const std::uint8_t* p = &rgb[(static_cast<size_t>(y) * width + x) * 3];
        return {p[0], p[1], p[2]};
    }
};

inline Decoded decode_png(const std::vector<std::uint8_t>& bytes) {
    Decoded d;
    int channels = 0;
    unsigned char* data = stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &d.width, &d.height,
                                                &channels, 3);
    if (data) d.rgb.assign(data, data + static_cast<size_t>(d.width) * d.height * 3), stbi_image_free(data);
    return d;
}

inline Decoded decode_png_file(const std::string& path) {
    Decoded d;
    int channels = 0;
    unsigned char* data = stbi_load(path.c_str(), &d.width, &d.height, &channels, 3);
    if (data) d.rgb.assign(data, data + static_cast<size_t>(d.width) * d.height * 3), stbi_image_free(data);
    return d;
}

// A fresh, empty folder under the system's temp folder, removed when the object goes away.
struct ScratchDir {
    std::filesystem::path path;
    explicit ScratchDir(const std::string& name) {
        path = std::filesystem::temp_directory_path() / ("melgrad_test_" + name + "_" + std::to_string(::getpid()));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string str() const { return path.string(); }
};

// Sends a file descriptor (1 = stdout, 2 = stderr) to /dev/null while it lives: the commands print
// "wrote ..." lines, and the error tests print the expected errors, which would clutter the test output.
struct Silenced {
    int fd, saved = -1;
    explicit Silenced(int which) : fd(which) {
        std::fflush(stdout);
        std::fflush(stderr);
        saved = ::dup(fd);
        const int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) ::dup2(null, fd), ::close(null);
    }
    ~Silenced() {
        std::fflush(stdout);
        std::fflush(stderr);
        if (saved >= 0) ::dup2(saved, fd), ::close(saved);
    }
};

inline int channel_distance(Rgb a, Rgb b) {
    return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
}

}  // namespace melgrad::figures::testing
