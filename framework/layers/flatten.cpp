#include "framework/layers/flatten.h"

#include <stdexcept>

#include "framework/layers/elementwise.h"
#include "framework/tape.h"

namespace melgrad {

Shape Flatten::output_shape(const Shape& in) const {
    if (in.size() < 2) throw std::invalid_argument("Flatten expects at least (N, features), got " + shape_str(in));
    size_t rest = shape_numel(in) / (in[0] ? in[0] : 1);
    return {in[0], (int)rest};
}

namespace {
struct FlattenNode : TapeNode {
    Tensor x, y;
    const char* name() const override { return "Flatten"; }
    void backward() override {
        if (!x.requires_grad()) return;
        add_into(engine_for(y), x.grad().data(), y.grad().data(), y.numel());
    }
};
}  // namespace

Tensor Flatten::forward(const Tensor& x) {
    Tensor y = x.reshape(output_shape(x.shape()));  // shares the values, has its own gradient
    if (should_record({&x})) {
        auto node = std::make_unique<FlattenNode>();
        node->x = x; node->y = y;
        y.set_requires_grad(true);
        current_tape().record(std::move(node));
    }
    return y;
}

}  // namespace melgrad
