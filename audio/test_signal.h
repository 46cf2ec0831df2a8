// A deterministic test clip (no files needed): used by `melgrad bench-mel` and `melgrad audio-figures`.
#pragma once
#include <cstddef>
#include <vector>

namespace melgrad::audio {

// n samples at sr Hz: tones at 220, 1234.5 and 5000 Hz, a slow chirp rising from 100 Hz, a drum-like
// decaying noise burst every 0.5 s and a little steady noise (fixed LCG, the same on every machine).
std::vector<float> synth_test_clip(size_t n, int sr);

}  // namespace melgrad::audio
