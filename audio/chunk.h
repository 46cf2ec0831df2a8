// Cutting a mel spectrogram into the CNN's square inputs.
#pragma once
#include <vector>

namespace melgrad::audio {

// mel is row-major n_mels x frames. Returns frames / chunk_frames chunks, each row-major
// n_mels x chunk_frames, taken side by side without overlap: chunk c holds frames
// [c * chunk_frames, (c + 1) * chunk_frames). The tail of fewer than chunk_frames frames is DROPPED
// (a 30 s clip has 1292 frames: 10 chunks of 128, the last 12 frames, about 0.28 s, are not used);
// a clip shorter than one chunk gives no chunks.
std::vector<std::vector<float>> chunk(const std::vector<float>& mel, int n_mels, int frames, int chunk_frames = 128);

}  // namespace melgrad::audio
