// Optimizer: the base of SGD, Adam and AdamW (PyTorch's torch.optim.Optimizer, one parameter group).
//
// An optimizer holds pointers to the module's parameters (NamedTensor{name, Tensor*}) and, per parameter,
// its own state tensors (momentum buffer, Adam's moments). step() updates every parameter that has a
// gradient, with the rule written in the subclass's file; zero_grad() clears the gradients.
//
// Layout of one update, so the CUDA backend can mirror it:
//   step()                      loops over parameters, skips those without a gradient (like PyTorch,
//     -> update_parameter(i)    which skips p.grad is None), checks the device, computes the host-side
//                               scalars (bias corrections, ...) in double as PyTorch does in Python,
//       -> <rule>_update_cpu()  a free function on raw float arrays: (param, grad, state..., n, scalars).
// A CUDA kernel with the same signature replaces the last call; until then a CUDA tensor is a clear error.
//
// Checkpoints (exact --resume): state() names every state tensor ("exp_avg.<param name>", ...), allocated
// eagerly so a freshly built optimizer has the same list to restore into; save_metadata()/load_metadata()
// carry the scalar state (type, lr, step counts) as key=value strings in the checkpoint's metadata block.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "framework/module.h"
#include "framework/tensor.h"

namespace melgrad {

using Metadata = std::map<std::string, std::string>;

class Optimizer {
public:
    Optimizer(std::vector<NamedTensor> params, double lr);
    virtual ~Optimizer() = default;
    Optimizer(const Optimizer&) = delete;             // a copy would share state tensors with the original
    Optimizer& operator=(const Optimizer&) = delete;
    virtual std::string type() const = 0;        // "SGD", "Adam", "AdamW"
    virtual std::string describe() const = 0;    // "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, ...)"

    void step();        // one update of every parameter that has a gradient
    void zero_grad();   // every parameter's grad := 0

    // The learning rate lives here (schedules read and write it), as a double like PyTorch's param_group.
    double lr() const { return lr_; }
    void set_lr(double lr);

    int64_t step_count() const { return step_count_; }            // calls to step()
    const std::vector<NamedTensor>& params() const { return params_; }

    // Every state tensor, named "<state>.<param name>" (e.g. "exp_avg.0.weight"); empty for plain SGD.
    std::vector<NamedTensor> state();
    // Scalar state as strings under "optimizer.*" keys: type, lr, step, per-parameter step counts.
    void save_metadata(Metadata& meta) const;
    // Restores what save_metadata() wrote; throws std::runtime_error when the type or the parameter count
    // does not match this optimizer (a checkpoint from another optimizer or model).
    void load_metadata(const Metadata& meta);

protected:
    // Adds one state tensor per parameter, zero-filled, same shape and device: call from the constructor.
    void add_state(const std::string& state_name);
    Tensor& state_of(const std::string& state_name, size_t param_index);
    // Updates params_[i] with its gradient; param_steps_[i] has already been incremented (1 on the first
    // update of this parameter, as PyTorch's state['step']).
    virtual void update_parameter(size_t i) = 0;
    // Throws a clear error for a device this optimizer has no kernel for yet.
    void check_device(size_t i);

    std::vector<NamedTensor> params_;
    std::vector<int64_t> param_steps_;   // how many updates each parameter has had
    double lr_;
    int64_t step_count_ = 0;

private:
    struct StateSlot { std::string name; std::vector<Tensor> tensors; };
    std::vector<StateSlot> state_;
};

// Validates a constructor argument: when !ok throws std::invalid_argument "<who>: <name> must be ...".
void check_hyperparameter(bool ok, const std::string& who, const std::string& message);

// Formats a double as the shortest text that parses back to the same double (Python's repr).
std::string exact_double_str(double x);
double parse_double(const std::string& text, const std::string& what);      // throws naming `what`
int64_t parse_int64(const std::string& text, const std::string& what);

}  // namespace melgrad
