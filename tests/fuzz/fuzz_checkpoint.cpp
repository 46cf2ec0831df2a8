// Fuzz target: the checkpoint loader (framework/checkpoint.h) on arbitrary bytes, then what the commands read
// from its metadata: the training state (--resume) and the feature settings (predict). Most random bytes
// fail the checksum, so the target also appends the right checksum and size to every input once: that
// way the fuzzer reaches the tables and the metadata behind it.
#include <cstring>
#include <exception>
#include <string>

#include "experiments/gtzan/features.h"
#include "experiments/gtzan/train_state.h"
#include "framework/checkpoint.h"
#include "tests/fuzz/fuzz_targets.h"

namespace melgrad::fuzz {

namespace {

void load(const std::string& bytes) {
    try {
        Checkpoint ck = parse_checkpoint(bytes, "fuzz.ckpt");
        try {
            gtzan::read_train_state(ck);
        } catch (const std::exception&) {
        }
        gtzan::FeatureSettings::from_header(ck.metadata, "data.", "fuzz.ckpt");
    } catch (const std::exception&) {
    }
}

}  // namespace

int checkpoint(const uint8_t* data, size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    load(bytes);
    // "MELGRADC", version 1, then the input as the body, with a true size field and checksum
    std::string fixed = std::string("MELGRADC\x01\0\0\0", 12) + std::string(8, '\0') + bytes;
    const uint64_t total = fixed.size() + 8;
    for (int i = 0; i < 8; ++i) fixed[12 + i] = (char)((total >> (8 * i)) & 0xff);
    const uint64_t sum = fnv1a64(fixed.data(), fixed.size());
    for (int i = 0; i < 8; ++i) fixed.push_back((char)((sum >> (8 * i)) & 0xff));
    load(fixed);
    return 0;
}

}  // namespace melgrad::fuzz

MELGRAD_FUZZ_ENTRY(checkpoint)
