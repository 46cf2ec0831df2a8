#include "audio/npy.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "framework/atomic_file.h"
#include "framework/input_file.h"

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
    const uint16_t len = uint16_t(header.size());
    std::string head("\x93NUMPY\x01\x00", 8);
    head.push_back(char(len & 0xff));
    head.push_back(char(len >> 8));
    head += header;
    // atomic: a full disk leaves no partial .npy behind (little-endian host: the floats go as they are)
    write_file_atomically(path, {ByteSpan{head.data(), head.size()}, ByteSpan{data, count * sizeof(float)}});
}

NpyArray parse_npy(const std::string& bytes, const std::string& path) {
    auto fail = [&](const std::string& what) { return std::runtime_error(path + ": " + what); };
    if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) throw fail("not a .npy file");
    const uint8_t* b = reinterpret_cast<const uint8_t*>(bytes.data());
    size_t hlen = b[8] | (size_t(b[9]) << 8), at = 10;
    if (b[6] != 1) {  // version 2/3: 4-byte header length
        if (bytes.size() < 12) throw fail("truncated .npy header");
        hlen |= (size_t(b[10]) << 16) | (size_t(b[11]) << 24);
        at = 12;
    }
    if (hlen > 65536) throw fail(".npy header too long");
    if (hlen > bytes.size() - at) throw fail("truncated .npy header");
    const std::string header = bytes.substr(at, hlen);
    at += hlen;
    const bool f4 = header.find("'<f4'") != std::string::npos, f8 = header.find("'<f8'") != std::string::npos;
    if (!f4 && !f8) throw fail("only float32/float64 little-endian .npy is supported");
    if (header.find("'fortran_order': False") == std::string::npos) throw fail("Fortran-order .npy is not supported");
    NpyArray a;
    const size_t key = header.find("'shape'");
    const size_t open = key == std::string::npos ? key : header.find('(', key);
    const size_t close = open == std::string::npos ? open : header.find(')', open);
    if (close == std::string::npos) throw fail("no shape in .npy header");
    const size_t item = f4 ? 4 : 8, max_count = (bytes.size() - at) / item;  // the file bounds the element count
    std::istringstream dims(header.substr(open + 1, close - open - 1));
    size_t count = 1;
    for (std::string tok; std::getline(dims, tok, ',');) {
        if (tok.find_first_not_of(" ") == std::string::npos) continue;
        char* end = nullptr;
        const unsigned long long d = std::strtoull(tok.c_str(), &end, 10);
        if (end == tok.c_str() || tok.find('-') != std::string::npos || tok.find_first_not_of(" ", end - tok.c_str()) != std::string::npos)
            throw fail("shape entry '" + tok + "' is not a whole number");
        a.shape.push_back(size_t(d));
        if (d != 0 && count > max_count / d) count = max_count + 1;  // more than the file holds (and no overflow)
        else count *= size_t(d);
    }
    if (count > max_count) throw fail("truncated .npy data (the shape needs more bytes than the file holds)");
    a.data.resize(count);
    for (size_t i = 0; i < count; ++i) {
        if (f4) {
            std::memcpy(&a.data[i], bytes.data() + at + 4 * i, 4);
        } else {
            double d;
            std::memcpy(&d, bytes.data() + at + 8 * i, 8);
            a.data[i] = float(d);
        }
    }
    return a;
}

NpyArray read_npy(const std::string& path) {
    return parse_npy(read_regular_file(path, size_t(16) << 30), path);
}

}  // namespace melgrad::audio
