// A dataset file larger than memory: training maps it and holds only its batches' chunks
// (DatasetFile::release_chunk), and --no-checksum (DatasetFile(path, false)) skips the whole-file pass at
// start but still refuses a NaN when the chunk holding it is read.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/evaluate.h"
#include "experiments/gtzan/scan.h"
#include "tests/error_message.h"

using namespace melgrad;
using namespace melgrad::gtzan;
namespace fs = std::filesystem;

namespace {

// `chunks` chunks of 128 x 128 (64 KiB each), chunk i filled with the value i.
fs::path write_chunks(const std::string& name, int chunks, int nan_chunk = -1) {
    DatasetContents c;
    c.genres = gtzan_genre_names();
    for (int i = 0; i < chunks; i++) {
        c.clips.push_back({i % 10, c.genres[i % 10] + "/x." + std::to_string(i) + ".wav", (uint32_t)i, 1});
        c.chunks.push_back({(uint32_t)i, 0});
        c.data.insert(c.data.end(), 128 * 128, i == nan_chunk ? std::numeric_limits<float>::quiet_NaN() : (float)i);
    }
    fs::path p = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".mgd");
    write_dataset(p.string(), c);
    return p;
}

// Resident kilobytes of this process's mapping of `path` (/proc/self/smaps).
long resident_kb_of_mapping(const fs::path& path) {
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool in_mapping = false;
    long kb = 0;
    while (std::getline(smaps, line)) {
        if (line.find(path.string()) != std::string::npos) in_mapping = true;
        else if (in_mapping && line.rfind("Rss:", 0) == 0) { kb += std::stol(line.substr(4)); in_mapping = false; }
    }
    return kb;
}

}  // namespace

TEST_CASE("dataset file: reading every chunk batch by batch leaves almost none of the file resident") {
    const fs::path p = write_chunks("melgrad_stream", 512);  // 32 MiB of data
    DatasetFile data(p.string(), false);
    std::vector<int> all(512), labels;
    for (int i = 0; i < 512; i++) all[i] = i;
    for (size_t b = 0; b < all.size(); b += 32) {
        Tensor x = gather_batch(data, all, b, b + 32, labels, Device::CPU);
        REQUIRE(x.at(5 * 128 * 128 + 7) == (float)(b + 5));  // chunk b+5, whatever was released before
    }
    // Without release_chunk() the 32 MiB would all be resident now. Some pages may stay: the kernel maps
    // page-cache pages around a fault (64 KiB, or a whole large folio, on recent kernels); measured here
    // (Linux 6.18, 2026-12-05): 1.6 MiB left of 32.
    CHECK(resident_kb_of_mapping(p) < 4096);
    fs::remove(p);
}

TEST_CASE("dataset file: without the checksum pass a NaN is still refused, when its chunk is read") {
    const fs::path p = write_chunks("melgrad_stream_nan", 20, 13);
    CHECK_THROWS_WITH_AS(DatasetFile(p.string()), doctest::Contains("chunk 13"), std::runtime_error);
    DatasetFile data(p.string(), false);  // opens: nothing read yet
    CHECK_FALSE(data.verified());
    std::vector<int> order = {0, 1, 2, 13, 4}, labels;
    CHECK_NOTHROW(gather_batch(data, order, 0, 3, labels, Device::CPU));
    CHECK_THROWS_WITH_AS(gather_batch(data, order, 2, 5, labels, Device::CPU),
                         doctest::Contains("chunk 13 (clip disco/x.13.wav) holds a non-finite value"), std::runtime_error);
    fs::remove(p);
}

TEST_CASE("dataset file: the checksum pass at start leaves almost none of the file resident") {
    const fs::path p = write_chunks("melgrad_checksum_pass", 512);  // 32 MiB of data
    DatasetFile data(p.string());                                    // verified: every byte hashed
    CHECK(data.chunks().size() == 512);
    // Hashing reads every page; each 64 MiB window is handed back once hashed (was: all 32 MiB resident).
    CHECK(resident_kb_of_mapping(p) < 4096);
    fs::remove(p);
}
