#include "framework/layers/sequential.h"

#include <cstdio>
#include <stdexcept>

#include "framework/layers/bn_relu_maxpool.h"
#include "framework/layers/conv_bn_relu_maxpool.h"
#include "framework/rng.h"

namespace melgrad {

Sequential& Sequential::add(std::unique_ptr<Module> layer) {
    layers_.push_back(std::move(layer));
    return *this;
}

Tensor Sequential::forward(const Tensor& x) {
    Tensor h = x;
    for (size_t i = 0; i < layers_.size(); i++) {
        // The fast CPU path runs a whole conv block in training, Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d(2), as
        // one op (conv_bn_relu_maxpool.h), and otherwise BatchNorm2d -> ReLU -> MaxPool2d(2) as one op
        // (bn_relu_maxpool.h). The reference path never fuses (chapter 4, "Two CPU paths").
        Module* at[4] = {nullptr, nullptr, nullptr, nullptr};  // this layer and the three after it, where they exist
        for (size_t j = 0; j < 4 && i + j < layers_.size(); j++) at[j] = layers_[i + j].get();
        if (at[3] && can_fuse_conv_bn_relu_maxpool(*at[0], *at[1], *at[2], *at[3], h)) {
            h = conv_bn_relu_maxpool_forward(static_cast<Conv2d&>(*at[0]), static_cast<BatchNorm2d&>(*at[1]), h);
            i += 3;
        } else if (at[2] && can_fuse_bn_relu_maxpool(*at[0], *at[1], *at[2], h)) {
            h = bn_relu_maxpool_forward(static_cast<BatchNorm2d&>(*at[0]), h);
            i += 2;
        } else {
            h = layers_[i]->forward(h);
        }
    }
    return h;
}

Shape Sequential::output_shape(const Shape& input) const {
    Shape s = input;
    for (size_t i = 0; i < layers_.size(); i++) {
        try {
            s = layers_[i]->output_shape(s);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("layer " + std::to_string(i) + " (" + layers_[i]->describe() + "): " + e.what());
        }
    }
    return s;
}

void Sequential::collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) {
    for (size_t i = 0; i < layers_.size(); i++) layers_[i]->collect_parameters(join_name(prefix, std::to_string(i)), out);
}
void Sequential::collect_buffers(const std::string& prefix, std::vector<NamedTensor>& out) {
    for (size_t i = 0; i < layers_.size(); i++) layers_[i]->collect_buffers(join_name(prefix, std::to_string(i)), out);
}
void Sequential::set_training(bool on) {
    training_ = on;
    for (auto& l : layers_) l->set_training(on);
}

void Sequential::set_random_stream(uint64_t seed) {
    for (size_t i = 0; i < layers_.size(); i++) layers_[i]->set_random_stream(splitmix64_mix(seed + i));
}
void Sequential::set_sample_offset(uint64_t first) {
    for (auto& l : layers_) l->set_sample_offset(first);
}
void Sequential::set_statistics_sync(distributed::Communicator* comm) {
    for (auto& l : layers_) l->set_statistics_sync(comm);
}

std::string model_summary(Module& model, const Shape& input_shape) {
    std::string out;
    char line[256];
    auto row = [&](const std::string& a, const std::string& b, const std::string& c) {
        std::snprintf(line, sizeof line, "%-52s %-22s %12s\n", a.c_str(), b.c_str(), c.c_str());
        out += line;
    };
    std::string rule(88, '-');
    row("Layer (type)", "Output shape", "Param #");
    out += rule + "\n";
    Shape s = input_shape;
    row("Input", shape_str(s), "0");
    auto* seq = dynamic_cast<Sequential*>(&model);
    size_t total = 0;
    if (seq) {
        for (size_t i = 0; i < seq->size(); i++) {
            Module& l = (*seq)[i];
            s = l.output_shape(s);
            size_t n = l.parameter_count();
            total += n;
            row(std::to_string(i) + ": " + l.describe(), shape_str(s), std::to_string(n));
        }
    } else {
        s = model.output_shape(s);
        total = model.parameter_count();
        row(model.describe(), shape_str(s), std::to_string(total));
    }
    out += rule + "\n";
    out += "Total params: " + std::to_string(total) + " (trainable; buffers such as BatchNorm running stats not counted)\n";
    return out;
}

}  // namespace melgrad
