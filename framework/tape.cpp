#include "framework/tape.h"

#include <stdexcept>
#include <string>

namespace melgrad {

namespace {
thread_local Tape t_tape;
thread_local bool t_grad_enabled = true;
}  // namespace

Tape& current_tape() { return t_tape; }
void backward(Tensor& loss) { t_tape.backward(loss); }
bool grad_enabled() { return t_grad_enabled; }
NoGrad::NoGrad() : previous_(t_grad_enabled) { t_grad_enabled = false; }
NoGrad::~NoGrad() { t_grad_enabled = previous_; }

bool should_record(std::initializer_list<const Tensor*> inputs) {
    if (!t_grad_enabled) return false;
    for (const Tensor* t : inputs)
        if (t && t->requires_grad()) return true;
    return false;
}

void Tape::backward(Tensor& loss) {
    if (loss.numel() != 1)
        throw std::logic_error("backward() needs a scalar loss, got shape " + shape_str(loss.shape()));
    if (!loss.requires_grad())
        throw std::logic_error("backward(): the loss does not depend on anything that requires a gradient");
    loss.grad().fill(1.0f);  // d loss / d loss = 1
    for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) (*it)->backward();
    nodes_.clear();
}

}  // namespace melgrad
