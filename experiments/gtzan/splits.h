// Splitting the chunks of a dataset into train / validation / test (all seeded, all reproducible).
//
//   paper           shuffle all *chunks*, then 70:20:10 train:test:validation — exactly the paper's protocol.
//                   Chunks of one clip land in both train and test, so the test set is not independent of
//                   the training set ("leakage"): neighbouring 3-s chunks of one song look alike, and the
//                   test accuracy comes out higher than on unseen songs. Reproduced on purpose.
//   clip            split the *clips* 70:20:10 train:test:validation within each genre (stratified), then
//                   take their chunks: no clip is on both sides. The honest protocol.
//   fault-filtered  Kereliuk, Sturm & Larsen's artist-filtered lists (443 train / 197 validation / 290 test
//                   clips; no artist on both sides, 70 faulty or duplicated clips left out), embedded from
//                   experiments/gtzan/splits/.
//   fma             FMA's own training / validation / test column (80:10:10, no artist on both sides), kept
//                   per clip by preprocessing an FMA folder (experiments/gtzan/fma_tracks.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace melgrad::gtzan {

class DatasetFile;

struct Split {
    std::string name;
    std::vector<int> train, val, test;  // chunk indices into the dataset
    int excluded_clips = 0;             // fault-filtered: clips in the data but in no list; fma: with no split
    std::vector<std::string> missing;   // fault-filtered: listed clips not in the data
};

const std::vector<std::string>& split_names();  // paper, clip, fault-filtered, fma
Split make_split(const DatasetFile& data, const std::string& name, uint64_t seed);
std::string describe_split(const Split& s);      // "train 7000 / val 1000 / test 2000 chunks ..."

// The embedded lists, as whitespace-separated "genre/genre.NNNNN.wav" names.
extern const char* const kFaultFiltered_train;
extern const char* const kFaultFiltered_valid;
extern const char* const kFaultFiltered_test;

}  // namespace melgrad::gtzan
