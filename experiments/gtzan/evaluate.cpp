#include "experiments/gtzan/evaluate.h"

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

#include "framework/layers/softmax_cross_entropy.h"
#include "framework/tape.h"

namespace melgrad::gtzan {

Tensor gather_batch(const DatasetFile& data, const std::vector<int>& indices, size_t begin, size_t end,
                    std::vector<int>& labels, Device device) {
    int n = (int)(end - begin);
    Tensor x({n, 1, data.n_mels(), data.chunk_frames()});
    labels.resize(n);
    for (int i = 0; i < n; i++) {
        int chunk = indices[begin + i];
        if (!data.verified()) data.check_chunk_finite(chunk);  // --no-checksum: checked here, as it is read
        std::memcpy(x.data() + (size_t)i * data.chunk_size(), data.chunk(chunk), data.chunk_size() * sizeof(float));
        data.release_chunk(chunk);  // a file larger than memory must not pile up in this process
        labels[i] = data.label(chunk);
    }
    return x.to(device);
}

ChunkPredictions predict_chunks(Module& model, const DatasetFile& data, const std::vector<int>& indices,
                                Device device, int batch) {
    NoGrad no_grad;
    bool was_training = model.training();
    model.eval();
    ChunkPredictions out;
    out.chunks = indices;
    out.classes = (int)data.genres().size();
    out.confusion = Confusion(out.classes);
    out.probs.resize(indices.size() * out.classes);
    double loss_sum = 0;
    std::vector<int> labels;
    for (size_t b = 0; b < indices.size(); b += batch) {
        size_t e = std::min(indices.size(), b + batch);
        Tensor x = gather_batch(data, indices, b, e, labels, device);
        Tensor probs;
        Tensor loss = softmax_cross_entropy(model.forward(x), labels, &probs);
        loss_sum += (double)loss.item() * (e - b);
        std::vector<float> p = probs.to_vector();
        if (p.size() != (e - b) * (size_t)out.classes)  // a model whose outputs are not the data's genres
            throw std::invalid_argument("predict_chunks: the model gives " + std::to_string(p.size() / (e - b)) +
                                        " outputs per chunk, the data has " + std::to_string(out.classes) + " genres");
        std::memcpy(out.probs.data() + b * out.classes, p.data(), p.size() * sizeof(float));
        for (size_t i = 0; i < e - b; i++) out.confusion.add(labels[i], argmax(p.data() + i * out.classes, out.classes));
    }
    out.mean_loss = indices.empty() ? 0 : loss_sum / indices.size();
    model.set_training(was_training);
    return out;
}

Confusion clip_confusion(const DatasetFile& data, const ChunkPredictions& p) {
    std::map<uint32_t, std::vector<double>> sums;  // clip -> summed probabilities
    for (size_t i = 0; i < p.chunks.size(); i++) {
        auto& s = sums[data.chunks()[p.chunks[i]].clip];
        s.resize(p.classes, 0.0);
        for (int c = 0; c < p.classes; c++) s[c] += p.probs[i * p.classes + c];
    }
    Confusion conf(p.classes);
    for (auto& [clip, s] : sums) {
        int best = 0;
        for (int c = 1; c < p.classes; c++)
            if (s[c] > s[best]) best = c;
        conf.add(data.clips()[clip].genre, best);
    }
    return conf;
}

}  // namespace melgrad::gtzan
