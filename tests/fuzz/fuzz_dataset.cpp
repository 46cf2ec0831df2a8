// Fuzz target: the dataset-file loader (experiments/gtzan/dataset_file.h) on arbitrary bytes, with and without
// the checksum (without it, the tables and the header counts are reached by every input).
#include <exception>

#include "experiments/gtzan/dataset_file.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tests/fuzz/memory_file.h"

namespace melgrad::fuzz {

int dataset(const uint8_t* data, size_t size) {
    const std::string path = memory_file(data, size);
    for (bool verify : {false, true}) {
        try {
            gtzan::DatasetFile d(path, verify);
            for (size_t i = 0; i < d.chunks().size(); i++) (void)d.label(i);  // every table entry is in range
        } catch (const std::exception&) {
        }
    }
    return 0;
}

}  // namespace melgrad::fuzz

MELGRAD_FUZZ_ENTRY(dataset)
