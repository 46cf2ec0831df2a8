// Fuzz target: the Sun .au reader (audio/au.h) on arbitrary bytes.
#include <exception>

#include "audio/au.h"
#include "tests/fuzz/fuzz_targets.h"

namespace melgrad::fuzz {

int au(const uint8_t* data, size_t size) {
    try {
        audio::parse_au(data, size, "fuzz.au");
    } catch (const std::exception&) {
    }
    return 0;
}

}  // namespace melgrad::fuzz

MELGRAD_FUZZ_ENTRY(au)
