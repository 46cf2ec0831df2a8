// NumPy .npy files (format version 1.0), float32 little-endian, C order: what np.load reads.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace melgrad::audio {

// Atomic (framework/atomic_file.h): a failed write leaves no file, and the error names the path.
void write_npy(const std::string& path, const float* data, const std::vector<size_t>& shape);

struct NpyArray {
    std::vector<size_t> shape;
    std::vector<float> data;
};
// Reads a float32 ('<f4') or float64 ('<f8', converted) C-order .npy; errors name the file.
// Never reads a non-regular file; the shape is checked against the bytes present before allocating.
NpyArray read_npy(const std::string& path);
// The same from bytes already in memory (`path` names them in errors; the fuzz target's entry point).
NpyArray parse_npy(const std::string& bytes, const std::string& path);

}  // namespace melgrad::audio
