// A synthetic stand-in for GTZAN: ten procedural music styles named after GTZAN's genres.
//
// It is NOT GTZAN and results on it are never GTZAN results: it exists so the whole pipeline (and
// `make experiment-gtzan`) runs on a machine without the real data. Every clip is generated from
// (seed, genre, index) alone, so clips can be made in any order, in parallel, and come out byte-identical.
// See docs/02-synthetic-gtzan.md.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace melgrad::synth {

// Written into SYNTHETIC.txt and bumped whenever the sound of any clip changes.
constexpr const char* kGeneratorVersion = "melgrad-synth-gtzan v1";

// GTZAN's ten genre names, in its (alphabetical) order: blues classical country disco hiphop jazz metal pop
// reggae rock. The genre number used below is the index in this list.
const std::vector<std::string>& gtzan_genres();

// The random seed of one clip: a hash of (seed, genre, index), so neighbouring clips are unrelated.
uint64_t clip_seed(uint64_t seed, int genre, int index);

// One clip, mono float samples in [-1, 1] at sample rate sr. Throws std::invalid_argument for a genre outside
// 0..9, seconds outside (0, 3600] or sr outside 8000..192000.
std::vector<float> synthesize_clip(int genre, int index, uint64_t seed, double seconds = 30.0, int sr = 22050);

}  // namespace melgrad::synth
