#include "audio/chunk.h"

#include <stdexcept>
#include <string>

namespace melgrad::audio {

std::vector<std::vector<float>> chunk(const std::vector<float>& mel, int n_mels, int frames, int chunk_frames) {
    if (n_mels < 1 || frames < 0 || chunk_frames < 1 || mel.size() != size_t(n_mels) * size_t(frames))
        throw std::invalid_argument("chunk: mel has " + std::to_string(mel.size()) + " values, expected n_mels " +
                                    std::to_string(n_mels) + " x frames " + std::to_string(frames) +
                                    " (chunk_frames " + std::to_string(chunk_frames) + ")");
    const int count = frames / chunk_frames;
    std::vector<std::vector<float>> chunks(count, std::vector<float>(size_t(n_mels) * chunk_frames));
    for (int c = 0; c < count; ++c)
        for (int i = 0; i < n_mels; ++i) {
            const float* src = mel.data() + size_t(i) * frames + size_t(c) * chunk_frames;
            std::copy(src, src + chunk_frames, chunks[c].data() + size_t(i) * chunk_frames);
        }
    return chunks;
}

}  // namespace melgrad::audio
