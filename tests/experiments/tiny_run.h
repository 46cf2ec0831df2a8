// Shared by the end-to-end tests of your own data and FMA: a one-epoch tiny-cnn run on the CPU, and a whole
// small text file.
#pragma once
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "experiments/gtzan/train.h"

namespace melgrad::testing {

inline gtzan::TrainResult train_tiny_cnn(const std::string& data, const std::filesystem::path& out,
                                         const std::string& split, int batch) {
    gtzan::TrainOptions to;
    to.data = data;
    to.out = out.string();
    to.model = "tiny-cnn";
    to.split = split;
    to.device = "cpu";
    to.epochs = 1;
    to.batch = batch;
    to.quiet = true;
    return gtzan::train(to);
}

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace melgrad::testing
