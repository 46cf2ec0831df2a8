// Fuzz target: the .npy reader (audio/npy.h) on arbitrary bytes; what it accepts holds exactly as many values
// as its shape says (the shape was checked against the bytes before anything was allocated).
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#include "audio/npy.h"
#include "tests/fuzz/fuzz_targets.h"

namespace melgrad::fuzz {

int npy(const uint8_t* data, size_t size) {
    audio::NpyArray a;
    try {
        a = audio::parse_npy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
    } catch (const std::exception&) {
        return 0;
    }
    size_t count = 1;
    for (size_t d : a.shape) count *= d;
    if (count != a.data.size()) throw std::logic_error("parse_npy: shape and data disagree");
    return 0;
}

}  // namespace melgrad::fuzz

MELGRAD_FUZZ_ENTRY(npy)
