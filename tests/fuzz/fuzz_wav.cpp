// Fuzz target: the WAV reader (audio/wav.h) on arbitrary bytes.
#include <exception>

#include "audio/wav.h"
#include "tests/fuzz/fuzz_targets.h"

namespace melgrad::fuzz {

int wav(const uint8_t* data, size_t size) {
    try {
        audio::parse_wav(data, size, "fuzz.wav");
    } catch (const std::exception&) {
    }
    return 0;
}

}  // namespace melgrad::fuzz

MELGRAD_FUZZ_ENTRY(wav)
