// Sequential: layers applied one after another; parameters named "<index>.<name>" like PyTorch's
// nn.Sequential state_dict ("0.weight", "1.running_mean", ...).
#pragma once
#include <memory>
#include <vector>

#include "framework/module.h"

namespace melgrad {

class Sequential : public Module {
public:
    Sequential& add(std::unique_ptr<Module> layer);
    template <class L, class... A> Sequential& emplace(A&&... args) { return add(std::make_unique<L>(std::forward<A>(args)...)); }
    std::string type() const override { return "Sequential"; }
    Tensor forward(const Tensor& x) override;
    // Checks every layer in turn; an error names the layer index and the layer.
    Shape output_shape(const Shape& input) const override;
    void collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) override;
    void collect_buffers(const std::string& prefix, std::vector<NamedTensor>& out) override;
    void set_training(bool on) override;
    void set_random_stream(uint64_t seed) override;
    void set_sample_offset(uint64_t first) override;
    void set_statistics_sync(distributed::Communicator* comm) override;
    size_t size() const { return layers_.size(); }
    Module& operator[](size_t i) { return *layers_.at(i); }

private:
    std::vector<std::unique_ptr<Module>> layers_;
};

// The model summary (like Keras' summary()): every layer, its output shape, its parameter count, the total.
std::string model_summary(Module& model, const Shape& input_shape);

}  // namespace melgrad
