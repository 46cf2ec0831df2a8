#include "audio/npy.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace melgrad::audio {

void write_npy(const std::string& path, const float* data, const std::vector<size_t>& shape) {
    std::ostringstream dict;
    dict << "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    size_t count = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
        dict << shape[i] << (shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : ""));
        count *= shape[i];
    }
    dict << "), }";
    std::string header = dict.str();
    // magic (6) + version (2) + header length (2) + header, padded with spaces and '\n' to a multiple of 64
    const size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header.push_back('\n');
    std::ofstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error(path + ": cannot open for writing");
    const uint16_t len = uint16_t(header.size());
    f.write("\x93NUMPY\x01\x00", 8);
    f.put(char(len & 0xff));
    f.put(char(len >> 8));
    f.write(header.data(), std::streamsize(header.size()));
    f.write(reinterpret_cast<const char*>(data), std::streamsize(count * sizeof(float)));  // little-endian host
    if (!f) throw std::runtime_error(path + ": write failed");
}

NpyArray read_npy(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error(path + ": cannot open");
    char pre[10];
    if (!f.read(pre, 10) || std::memcmp(pre, "\x93NUMPY", 6) != 0) throw std::runtime_error(path + ": not a .npy file");
    size_t hlen = uint8_t(pre[8]) | (size_t(uint8_t(pre[9])) << 8);
    if (pre[6] != 1) {  // version 2/3: 4-byte header length
        char more[2];
        if (!f.read(more, 2)) throw std::runtime_error(path + ": truncated .npy header");
        hlen |= (size_t(uint8_t(more[0])) << 16) | (size_t(uint8_t(more[1])) << 24);
    }
    if (hlen > 65536) throw std::runtime_error(path + ": .npy header too long");
    std::string header(hlen, '\0');
    if (!f.read(&header[0], std::streamsize(hlen))) throw std::runtime_error(path + ": truncated .npy header");
    const bool f4 = header.find("'<f4'") != std::string::npos, f8 = header.find("'<f8'") != std::string::npos;
    if (!f4 && !f8) throw std::runtime_error(path + ": only float32/float64 little-endian .npy is supported");
    if (header.find("'fortran_order': False") == std::string::npos)
        throw std::runtime_error(path + ": Fortran-order .npy is not supported");
    NpyArray a;
    const size_t open = header.find('(', header.find("'shape'")), close = header.find(')', open);
    if (open == std::string::npos || close == std::string::npos) throw std::runtime_error(path + ": no shape in .npy header");
    std::istringstream dims(header.substr(open + 1, close - open - 1));
    size_t count = 1;
    for (std::string tok; std::getline(dims, tok, ',');) {
        if (tok.find_first_not_of(" ") == std::string::npos) continue;
        a.shape.push_back(std::stoull(tok));
        count *= a.shape.back();
    }
    const size_t item = f4 ? 4 : 8;
    std::vector<char> raw(count * item);
    if (!f.read(raw.data(), std::streamsize(raw.size()))) throw std::runtime_error(path + ": truncated .npy data");
    a.data.resize(count);
    for (size_t i = 0; i < count; ++i) {
        if (f4) {
            std::memcpy(&a.data[i], raw.data() + 4 * i, 4);
        } else {
            double d;
            std::memcpy(&d, raw.data() + 8 * i, 8);
            a.data[i] = float(d);
        }
    }
    return a;
}

}  // namespace melgrad::audio
