// Module: the base of every layer (PyTorch's nn.Module, reduced to what melgrad needs).
//
// A module owns its parameters (weights that the optimizer trains) and buffers (state that is saved
// in checkpoints but not trained, e.g. BatchNorm's running mean). Its forward() computes the output and,
// when gradients are being recorded, appends a TapeNode whose backward() is written by hand in the
// layer's own file. Names follow PyTorch's state_dict: "0.weight", "4.running_mean", ...
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "framework/tensor.h"

namespace melgrad {

namespace distributed { class Communicator; }

struct NamedTensor {
    std::string name;
    Tensor* tensor;  // points into the module that owns it
};

class Module {
public:
    virtual ~Module() = default;
    virtual std::string type() const = 0;            // "Conv2d"
    virtual std::string describe() const { return type(); }  // "Conv2d(1, 16, kernel_size=3, padding=1)"
    virtual Tensor forward(const Tensor& x) = 0;
    Tensor operator()(const Tensor& x) { return forward(x); }

    // The output shape for an input shape, without computing anything. Throws std::invalid_argument with a
    // message naming the layer when the input does not fit (used to validate a model before training).
    virtual Shape output_shape(const Shape& input) const = 0;

    virtual void collect_parameters(const std::string& prefix, std::vector<NamedTensor>& out) {}
    virtual void collect_buffers(const std::string& prefix, std::vector<NamedTensor>& out) {}
    std::vector<NamedTensor> parameters();   // every trainable tensor, named
    std::vector<NamedTensor> buffers();      // every saved, untrained tensor, named
    std::vector<NamedTensor> state();        // parameters then buffers (what a checkpoint stores)
    size_t parameter_count();

    virtual void set_training(bool on) { training_ = on; }
    // Seeds the module's random draws (dropout masks) for the next forward passes. Trainers call it once
    // per step with a value derived from (run seed, step), so a resumed run repeats the same masks.
    virtual void set_random_stream(uint64_t seed) {}
    // Data-parallel training (framework/distributed/): this rank's batch starts at sample `first` of the
    // global batch. Dropout draws sample i's mask from its global index, so N ranks draw the masks one
    // process would (0, the default, is the single-process case).
    virtual void set_sample_offset(uint64_t first) {}
    // --sync-bn: BatchNorm sums its statistics (and their gradients) over every rank of `comm` instead of
    // its own batch; nullptr (the default) = this rank's batch alone.
    virtual void set_statistics_sync(distributed::Communicator* comm) {}
    void train() { set_training(true); }
    void eval() { set_training(false); }
    bool training() const { return training_; }

    virtual void to(Device d);               // move every parameter and buffer (default: via state())
    void zero_grad();                        // every parameter's grad := 0
    // Every parameter's grad forgotten (memory freed): after a backward pass that was run for the input's
    // gradient only (melgrad explain), whose weight gradients nobody will use.
    void drop_grads();

protected:
    bool training_ = true;
};

std::string join_name(const std::string& prefix, const std::string& name);  // "3" + "weight" -> "3.weight"

}  // namespace melgrad
