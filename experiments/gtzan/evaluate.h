// Running a trained model over chunks of a dataset, and turning chunk predictions into clip predictions.
#pragma once
#include <vector>

#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/metrics.h"
#include "framework/module.h"
#include "framework/tensor.h"

namespace melgrad::gtzan {

// Chunks [begin, end) of `indices` as one batch (n, 1, n_mels, frames) on `device`, and their labels. Reads
// only those chunks of the file, and releases their pages afterwards (DatasetFile::release_chunk).
Tensor gather_batch(const DatasetFile& data, const std::vector<int>& indices, size_t begin, size_t end,
                    std::vector<int>& labels, Device device);

struct ChunkPredictions {
    std::vector<int> chunks;   // dataset chunk indices, in the order evaluated
    std::vector<float> probs;  // chunks.size() x classes, softmax probabilities
    int classes = 0;
    double mean_loss = 0;      // mean cross-entropy
    Confusion confusion{10};   // chunk level
};

// No tape, model in eval mode (restored to its previous mode afterwards).
ChunkPredictions predict_chunks(Module& model, const DatasetFile& data, const std::vector<int>& indices,
                                Device device, int batch = 128);

// Clip level: the mean of a clip's chunk probabilities, then argmax (the paper's "full song" prediction).
Confusion clip_confusion(const DatasetFile& data, const ChunkPredictions& p);

}  // namespace melgrad::gtzan
