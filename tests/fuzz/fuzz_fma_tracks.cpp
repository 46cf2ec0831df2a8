// Fuzz target: the CSV reader (experiments/csv.h) through FMA's tracks.csv reader
// (experiments/gtzan/fma_tracks.h), and the class-name line of dataset headers (class_names.h).
#include <exception>
#include <string>

#include "experiments/gtzan/class_names.h"
#include "experiments/gtzan/fma_tracks.h"
#include "tests/fuzz/fuzz_targets.h"

namespace melgrad::fuzz {

int fma_tracks(const uint8_t* data, size_t size) {
    if (size > 1 << 16) return 0;  // longer inputs only slow the fuzzer down
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        gtzan::read_fma_tracks(text, "tracks.csv");
    } catch (const std::exception&) {
    }
    try {
        gtzan::split_class_names(text, "dataset.mgd");
    } catch (const std::exception&) {
    }
    return 0;
}

}  // namespace melgrad::fuzz

MELGRAD_FUZZ_ENTRY(fma_tracks)
