// The fuzz targets (tests/fuzz/fuzz_*.cpp): each takes arbitrary bytes to one of melgrad's parsers and
// returns normally whatever the bytes are — a parser may throw std::exception (caught in the target: that is
// the expected answer to garbage), but never crash, hang, read out of bounds or allocate without bound.
//
// Built two ways:
//   make fuzz FUZZ_SECONDS=N   with clang 14 + libFuzzer + ASan/UBSan (-DMELGRAD_LIBFUZZER: each file then
//                              defines LLVMFuzzerTestOneInput), every target fuzzed for N seconds
//   make test                  with g++ into the test binary: tests/fuzz/test_fuzz_replay.cpp replays the
//                              seed corpus and every past finding (tests/fuzz/corpus/TARGET/) through them
#pragma once
#include <cstddef>
#include <cstdint>

namespace melgrad::fuzz {

int wav(const uint8_t* data, size_t size);
int au(const uint8_t* data, size_t size);
int dataset(const uint8_t* data, size_t size);
int checkpoint(const uint8_t* data, size_t size);
int model_text(const uint8_t* data, size_t size);
int npy(const uint8_t* data, size_t size);
int cli_numbers(const uint8_t* data, size_t size);
int fma_tracks(const uint8_t* data, size_t size);

}  // namespace melgrad::fuzz

#ifdef MELGRAD_LIBFUZZER
#define MELGRAD_FUZZ_ENTRY(fn)                                                              \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {               \
        return melgrad::fuzz::fn(data, size);                                               \
    }
#else
#define MELGRAD_FUZZ_ENTRY(fn)
#endif
