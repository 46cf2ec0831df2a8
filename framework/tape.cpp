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

void Tape::backward(Tensor& loss, Observer* observer) {
    if (loss.numel() != 1)
        throw std::logic_error("backward() needs a scalar loss, got shape " + shape_str(loss.shape()));
    backward(loss, Tensor::full(loss.shape(), 1.0f, loss.device()), observer);  // d loss / d loss = 1
}

void Tape::backward(Tensor& output, const Tensor& output_grad, Observer* observer) {
    if (!output.requires_grad())
        throw std::logic_error("backward(): the output does not depend on anything that requires a gradient");
    if (output_grad.numel() != output.numel())
        throw std::logic_error("backward(): output_grad " + shape_str(output_grad.shape()) + " for output " +
                               shape_str(output.shape()));
    output.grad().copy_from(output_grad);
    if (observer) observer->before_backward(*this);
    for (size_t k = nodes_.size(); k-- > 0;) {  // the last op first
        if (observer) observer->before_node(k, *nodes_[k]);
        nodes_[k]->backward();
        if (observer) observer->after_node(k, *nodes_[k]);
    }
    nodes_.clear();
}

}  // namespace melgrad
