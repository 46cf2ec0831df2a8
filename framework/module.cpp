#include "framework/module.h"

namespace melgrad {

std::string join_name(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "." + name;
}

std::vector<NamedTensor> Module::parameters() {
    std::vector<NamedTensor> out;
    collect_parameters("", out);
    return out;
}

std::vector<NamedTensor> Module::buffers() {
    std::vector<NamedTensor> out;
    collect_buffers("", out);
    return out;
}

std::vector<NamedTensor> Module::state() {
    std::vector<NamedTensor> out = parameters();
    collect_buffers("", out);
    return out;
}

size_t Module::parameter_count() {
    size_t n = 0;
    for (auto& p : parameters()) n += p.tensor->numel();
    return n;
}

void Module::to(Device d) {
    for (auto& p : parameters()) *p.tensor = p.tensor->to(d).set_requires_grad(true);
    for (auto& b : buffers()) *b.tensor = b.tensor->to(d);
}

void Module::zero_grad() {
    for (auto& p : parameters()) p.tensor->zero_grad();
}

void Module::drop_grads() {
    for (auto& p : parameters()) p.tensor->drop_grad();
}

}  // namespace melgrad
