// Fuzz target: the model-text parser (framework/model_text.h) on arbitrary text.
#include <exception>
#include <string>

#include "framework/model_text.h"
#include "tests/fuzz/fuzz_targets.h"

namespace melgrad::fuzz {

int model_text(const uint8_t* data, size_t size) {
    if (size > 4096) return 0;  // a model text is a few lines; longer inputs only slow the fuzzer down
    try {
        build_model(std::string(reinterpret_cast<const char*>(data), size), "fuzz.txt");
    } catch (const std::exception&) {
    }
    return 0;
}

}  // namespace melgrad::fuzz

MELGRAD_FUZZ_ENTRY(model_text)
