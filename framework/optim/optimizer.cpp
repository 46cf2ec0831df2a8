#include "framework/optim/optimizer.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace melgrad {

void check_hyperparameter(bool ok, const std::string& who, const std::string& message) {
    if (!ok) throw std::invalid_argument(who + ": " + message);
}

std::string exact_double_str(double x) {
    // The shortest text that reads back as the same double (like Python's repr): 0.1 -> "0.1", not
    // "0.10000000000000001".
    char buf[40];
    for (int digits = 1; digits <= 17; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, x);
        if (std::strtod(buf, nullptr) == x) break;
    }
    return buf;
}

double parse_double(const std::string& text, const std::string& what) {
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE)
        throw std::runtime_error(what + ": '" + text + "' is not a number");
    return v;
}

int64_t parse_int64(const std::string& text, const std::string& what) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE)
        throw std::runtime_error(what + ": '" + text + "' is not an integer");
    return (int64_t)v;
}

Optimizer::Optimizer(std::vector<NamedTensor> params, double lr) : params_(std::move(params)), lr_(lr) {
    check_hyperparameter(std::isfinite(lr) && lr >= 0, "optimizer", "lr must be >= 0, got " + exact_double_str(lr));
    for (const NamedTensor& p : params_) {
        if (p.tensor == nullptr || !p.tensor->defined())
            throw std::invalid_argument("optimizer: parameter '" + p.name + "' is not a defined tensor");
    }
    param_steps_.assign(params_.size(), 0);
}

void Optimizer::set_lr(double lr) {
    check_hyperparameter(std::isfinite(lr) && lr >= 0, type(), "lr must be >= 0, got " + exact_double_str(lr));
    lr_ = lr;
}

void Optimizer::step() {
    for (size_t i = 0; i < params_.size(); ++i) {
        if (!params_[i].tensor->has_grad()) continue;   // PyTorch: `if p.grad is None: continue`
        check_device(i);
        ++param_steps_[i];
        update_parameter(i);
    }
    ++step_count_;
}

void Optimizer::zero_grad() {
    for (NamedTensor& p : params_) p.tensor->zero_grad();
}

void Optimizer::check_device(size_t i) {
    Tensor& p = *params_[i].tensor;
    if (p.device() != Device::CPU && !cuda_compiled())  // CUDA kernels: framework/optim/sgd.cu, adam.cu
        throw std::runtime_error(type() + ": parameter '" + params_[i].name + "' is on " + device_name(p.device()) +
                                 ", but this melgrad was built without the CUDA backend");
    if (p.grad().device() != p.device() || p.grad().numel() != p.numel())
        throw std::runtime_error(type() + ": gradient of '" + params_[i].name + "' does not match the parameter");
    for (const StateSlot& slot : state_) {
        if (slot.tensors[i].device() != p.device() || slot.tensors[i].numel() != p.numel())
            throw std::runtime_error(type() + ": state '" + slot.name + "' of '" + params_[i].name + "' is on " +
                                     device_name(slot.tensors[i].device()) + " but the parameter is on " +
                                     device_name(p.device()) + ": create the optimizer after moving the model");
    }
}

void Optimizer::add_state(const std::string& state_name) {
    StateSlot slot{state_name, {}};
    for (const NamedTensor& p : params_) slot.tensors.push_back(Tensor::zeros(p.tensor->shape(), p.tensor->device()));
    state_.push_back(std::move(slot));
}

Tensor& Optimizer::state_of(const std::string& state_name, size_t param_index) {
    for (StateSlot& slot : state_)
        if (slot.name == state_name) return slot.tensors.at(param_index);
    throw std::logic_error(type() + ": no state named '" + state_name + "'");
}

std::vector<NamedTensor> Optimizer::state() {
    std::vector<NamedTensor> out;
    for (StateSlot& slot : state_)
        for (size_t i = 0; i < params_.size(); ++i) out.push_back({slot.name + "." + params_[i].name, &slot.tensors[i]});
    return out;
}

void Optimizer::save_metadata(Metadata& meta) const {
    meta["optimizer"] = describe();
    meta["optimizer.type"] = type();
    meta["optimizer.lr"] = exact_double_str(lr_);
    meta["optimizer.step"] = std::to_string(step_count_);
    std::ostringstream steps;
    for (size_t i = 0; i < param_steps_.size(); ++i) steps << (i ? "," : "") << param_steps_[i];
    meta["optimizer.param_steps"] = steps.str();
}

static const std::string& required(const Metadata& meta, const std::string& key) {
    auto it = meta.find(key);
    if (it == meta.end()) throw std::runtime_error("checkpoint metadata has no '" + key + "'");
    return it->second;
}

void Optimizer::load_metadata(const Metadata& meta) {
    const std::string& saved_type = required(meta, "optimizer.type");
    if (saved_type != type())
        throw std::runtime_error("checkpoint was saved with optimizer " + saved_type + ", this run uses " + type());
    double lr = parse_double(required(meta, "optimizer.lr"), "checkpoint metadata optimizer.lr");
    int64_t step = parse_int64(required(meta, "optimizer.step"), "checkpoint metadata optimizer.step");
    std::vector<int64_t> steps;
    std::stringstream list(required(meta, "optimizer.param_steps"));
    for (std::string item; std::getline(list, item, ',');)
        steps.push_back(parse_int64(item, "checkpoint metadata optimizer.param_steps"));
    if (steps.size() != params_.size())
        throw std::runtime_error("checkpoint optimizer state covers " + std::to_string(steps.size()) +
                                 " parameters, this model has " + std::to_string(params_.size()));
    set_lr(lr);
    step_count_ = step;
    param_steps_ = steps;
}

}  // namespace melgrad
