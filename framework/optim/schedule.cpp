#include "framework/optim/schedule.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace melgrad {

static const double kPi = 3.141592653589793;  // Python's math.pi

static const std::string& required(const Metadata& meta, const std::string& key) {
    auto it = meta.find(key);
    if (it == meta.end()) throw std::runtime_error("checkpoint metadata has no '" + key + "'");
    return it->second;
}

// ---- LRScheduler ---------------------------------------------------------------------------------------

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer), base_lr_(optimizer.lr()) {}

void LRScheduler::save_metadata(Metadata& meta) const {
    meta["scheduler"] = describe();
    meta["scheduler.type"] = type();
    meta["scheduler.base_lr"] = exact_double_str(base_lr_);
    meta["scheduler.last_epoch"] = std::to_string(last_epoch_);
    save_extra(meta);
}

void LRScheduler::load_metadata(const Metadata& meta) {
    const std::string& saved = required(meta, "scheduler.type");
    if (saved != type())
        throw std::runtime_error("checkpoint was saved with schedule " + saved + ", this run uses " + type());
    base_lr_ = parse_double(required(meta, "scheduler.base_lr"), "checkpoint metadata scheduler.base_lr");
    last_epoch_ = parse_int64(required(meta, "scheduler.last_epoch"), "checkpoint metadata scheduler.last_epoch");
    load_extra(meta);
}

void EpochScheduler::step() {
    ++last_epoch_;
    optimizer_.set_lr(next_lr());
}

// ---- StepLR --------------------------------------------------------------------------------------------

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : EpochScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
    check_hyperparameter(step_size >= 1, "StepLR", "step_size must be >= 1, got " + std::to_string(step_size));
    check_hyperparameter(std::isfinite(gamma) && gamma > 0, "StepLR", "gamma must be > 0");
}

std::string StepLR::describe() const {
    return "StepLR(step_size=" + std::to_string(step_size_) + ", gamma=" + exact_double_str(gamma_) + ")";
}

double StepLR::next_lr() const {
    if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return optimizer_.lr();
    return optimizer_.lr() * gamma_;
}

// ---- CosineAnnealingLR ---------------------------------------------------------------------------------

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min)
    : EpochScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
    check_hyperparameter(T_max >= 1, "CosineAnnealingLR", "T_max must be >= 1, got " + std::to_string(T_max));
    check_hyperparameter(std::isfinite(eta_min) && eta_min >= 0, "CosineAnnealingLR", "eta_min must be >= 0");
}

std::string CosineAnnealingLR::describe() const {
    return "CosineAnnealingLR(T_max=" + std::to_string(T_max_) + ", eta_min=" + exact_double_str(eta_min_) + ")";
}

// Python's % on a negative left side is non-negative (floored); C++'s is not, so use a floored modulo.
static int64_t floor_mod(int64_t a, int64_t b) { int64_t r = a % b; return r < 0 ? r + b : r; }

double CosineAnnealingLR::next_lr() const {
    const double lr = optimizer_.lr();
    const int64_t e = last_epoch_;
    const double T = (double)T_max_;
    if (e == 0) return lr;
    if (floor_mod(e - 1 - T_max_, 2 * T_max_) == 0)
        return lr + (base_lr_ - eta_min_) * (1 - std::cos(kPi / T)) / 2;
    return (1 + std::cos(kPi * (double)e / T)) / (1 + std::cos(kPi * (double)(e - 1) / T)) * (lr - eta_min_) + eta_min_;
}

// ---- ReduceLROnPlateau ---------------------------------------------------------------------------------

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const std::string& mode, double factor, int64_t patience,
                                     double threshold, const std::string& threshold_mode, int64_t cooldown,
                                     double min_lr, double eps)
    : LRScheduler(optimizer), mode_(mode), threshold_mode_(threshold_mode), factor_(factor), threshold_(threshold),
      min_lr_(min_lr), eps_(eps), patience_(patience), cooldown_(cooldown) {
    const std::string who = "ReduceLROnPlateau";
    check_hyperparameter(mode == "min" || mode == "max", who, "mode must be 'min' or 'max', got '" + mode + "'");
    check_hyperparameter(threshold_mode == "rel" || threshold_mode == "abs", who,
                         "threshold_mode must be 'rel' or 'abs', got '" + threshold_mode + "'");
    check_hyperparameter(factor < 1.0 && factor >= 0, who, "factor must be in [0, 1), got " + exact_double_str(factor));
    check_hyperparameter(patience >= 0 && cooldown >= 0, who, "patience and cooldown must be >= 0");
    best_ = mode == "min" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

std::string ReduceLROnPlateau::describe() const {
    return "ReduceLROnPlateau(mode='" + mode_ + "', factor=" + exact_double_str(factor_) + ", patience=" +
           std::to_string(patience_) + ", threshold=" + exact_double_str(threshold_) + ", threshold_mode='" +
           threshold_mode_ + "', cooldown=" + std::to_string(cooldown_) + ", min_lr=" + exact_double_str(min_lr_) + ")";
}

bool ReduceLROnPlateau::is_better(double a, double best) const {
    if (mode_ == "min") return threshold_mode_ == "rel" ? a < best * (1.0 - threshold_) : a < best - threshold_;
    return threshold_mode_ == "rel" ? a > best * (threshold_ + 1.0) : a > best + threshold_;
}

void ReduceLROnPlateau::step(double metric) {
    ++last_epoch_;
    if (is_better(metric, best_)) {
        best_ = metric;
        num_bad_epochs_ = 0;
    } else {
        ++num_bad_epochs_;
    }
    if (cooldown_counter_ > 0) {      // in cooldown: bad epochs do not count
        --cooldown_counter_;
        num_bad_epochs_ = 0;
    }
    if (num_bad_epochs_ > patience_) {
        const double old_lr = optimizer_.lr();
        const double new_lr = std::max(old_lr * factor_, min_lr_);
        if (old_lr - new_lr > eps_) optimizer_.set_lr(new_lr);
        cooldown_counter_ = cooldown_;
        num_bad_epochs_ = 0;
    }
}

void ReduceLROnPlateau::save_extra(Metadata& meta) const {
    meta["scheduler.best"] = exact_double_str(best_);
    meta["scheduler.num_bad_epochs"] = std::to_string(num_bad_epochs_);
    meta["scheduler.cooldown_counter"] = std::to_string(cooldown_counter_);
}

void ReduceLROnPlateau::load_extra(const Metadata& meta) {
    best_ = parse_double(required(meta, "scheduler.best"), "checkpoint metadata scheduler.best");
    num_bad_epochs_ = parse_int64(required(meta, "scheduler.num_bad_epochs"), "checkpoint metadata scheduler.num_bad_epochs");
    cooldown_counter_ = parse_int64(required(meta, "scheduler.cooldown_counter"),
                                    "checkpoint metadata scheduler.cooldown_counter");
}

}  // namespace melgrad
