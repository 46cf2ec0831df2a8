// The tape: reverse-mode automatic differentiation, written out.
//
// Every differentiable op, when it runs its forward pass, appends a TapeNode that keeps exactly what its
// backward pass will need (the input tensors, a mask, the saved mean...). `backward(loss)` seeds
// dloss/dloss = 1 and walks the tape from the last node to the first, calling each node's hand-written
// backward(), which reads the gradient of the op's output and *adds* (+=) the gradients of its inputs.
// Walking in reverse recording order is a valid topological order, because an op can only use tensors
// that were made before it.
//
// There is one tape per thread (thread_local): a data-parallel trainer can run one replica per thread,
// each with its own tape. Inside a NoGrad scope nothing is recorded (evaluation, inference).
#pragma once
#include <memory>
#include <vector>

#include "framework/tensor.h"

namespace melgrad {

struct TapeNode {
    virtual ~TapeNode() = default;
    virtual const char* name() const = 0;  // the op, for error messages and debugging ("Conv2d")
    virtual void backward() = 0;           // reads output grads, accumulates input grads with +=
    // The trained tensors whose gradients backward() adds to (a layer's weight and bias; not its data input).
    // Whoever overlaps the gradient all-reduce with backward (framework/distributed/overlapped_all_reduce.h)
    // learns from it when a parameter's gradient is final, so a node that adds to a parameter must list it.
    virtual std::vector<const Tensor*> weights() const { return {}; }
};

class Tape {
public:
    // Watches the backward pass node by node, e.g. to time each layer (melgrad bench-train's profile).
    // index is the node's place in recording order (0 = the first op of the forward pass).
    struct Observer {
        virtual ~Observer() = default;
        virtual void before_backward(const Tape&) {}  // the whole tape, before its last node runs
        virtual void before_node(size_t index, const TapeNode& node) = 0;
        virtual void after_node(size_t index, const TapeNode& node) = 0;
    };

    void record(std::unique_ptr<TapeNode> node) { nodes_.push_back(std::move(node)); }
    // Seeds loss.grad = 1 (loss must hold one element), runs every node's backward in reverse order,
    // then clears the tape (the saved activations are released).
    void backward(Tensor& loss, Observer* observer = nullptr);
    // The general form: seeds output.grad = output_grad (same shape), then runs the tape in reverse.
    // Gradient checks use it with a random output_grad, i.e. the gradient of sum(output * output_grad).
    void backward(Tensor& output, const Tensor& output_grad, Observer* observer = nullptr);
    void clear() { nodes_.clear(); }
    size_t size() const { return nodes_.size(); }
    const TapeNode& node(size_t index) const { return *nodes_[index]; }

private:
    std::vector<std::unique_ptr<TapeNode>> nodes_;
};

Tape& current_tape();          // this thread's tape
void backward(Tensor& loss);   // current_tape().backward(loss)

bool grad_enabled();           // false inside a NoGrad scope
class NoGrad {                 // RAII: { NoGrad ng; ... } records nothing
public:
    NoGrad();
    ~NoGrad();
    NoGrad(const NoGrad&) = delete;
    NoGrad& operator=(const NoGrad&) = delete;
private:
    bool previous_;
};

// True when an op with these inputs must be recorded: grad mode is on and some input needs a gradient.
bool should_record(std::initializer_list<const Tensor*> inputs);

}  // namespace melgrad
