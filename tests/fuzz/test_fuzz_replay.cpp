// Replays the fuzz corpus through the fuzz targets in the normal test binary (g++, no libFuzzer): the seeds
// and every input a fuzzing run ever found a problem with (tests/fuzz/corpus/TARGET/, kept as regression
// inputs after the fix) must be parsed or refused without a crash. Under make test SANITIZE=address,undefined
// the same replay runs with ASan and UBSan.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_targets.h"

namespace fs = std::filesystem;

namespace {

using Target = int (*)(const uint8_t*, size_t);

// Every file under tests/fuzz/corpus/NAME, run through the target; returns how many there were.
size_t replay(const std::string& name, Target target) {
    size_t n = 0;
    for (const auto& entry : fs::directory_iterator("tests/fuzz/corpus/" + name)) {
        std::ifstream in(entry.path(), std::ios::binary);
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CAPTURE(entry.path().string());
        CHECK(target(bytes.data(), bytes.size()) == 0);
        n++;
    }
    return n;
}

}  // namespace

TEST_CASE("fuzz corpus: every seed and every past finding replays through its target without a crash") {
    using namespace melgrad::fuzz;
    const std::pair<const char*, Target> targets[] = {{"wav", wav},
                                                      {"au", au},
                                                      {"dataset", dataset},
                                                      {"checkpoint", checkpoint},
                                                      {"model_text", model_text},
                                                      {"npy", npy},
                                                      {"cli_numbers", cli_numbers},
                                                      {"fma_tracks", fma_tracks}};
    for (const auto& [name, target] : targets) {
        const std::string label = name;
        CAPTURE(label);
        CHECK(replay(label, target) >= 2);
    }
}
