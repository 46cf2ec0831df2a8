// Learning-rate schedules: StepLR, CosineAnnealingLR, ReduceLROnPlateau with torch.optim.lr_scheduler's
// semantics (PyTorch 1.13). Each is stepped once per epoch, after that epoch's optimizer steps, and writes
// the new learning rate into the optimizer (Optimizer::set_lr), as PyTorch writes param_group['lr'].
//
// Construction matches PyTorch's: the schedule remembers base_lr = optimizer.lr() and starts at
// last_epoch = 0. Like PyTorch's step(), StepLR and CosineAnnealingLR use the *chainable* (recursive) form,
// computed in double from the optimizer's current lr, so the lr sequence is PyTorch's to the last bit
// (tests/framework/test_optim.cpp checks this against the fixture written by tests/fixtures/make_optim_fixture.py).
//
// Checkpoints: save_metadata()/load_metadata() store the schedule's counters under "scheduler.*" keys;
// the current lr itself is the optimizer's (saved by Optimizer::save_metadata).
#pragma once
#include <string>

#include "framework/optim/optimizer.h"

namespace melgrad {

class LRScheduler {
public:
    explicit LRScheduler(Optimizer& optimizer);
    virtual ~LRScheduler() = default;
    virtual std::string type() const = 0;
    virtual std::string describe() const = 0;
    int64_t last_epoch() const { return last_epoch_; }
    double base_lr() const { return base_lr_; }

    void save_metadata(Metadata& meta) const;
    void load_metadata(const Metadata& meta);   // throws when the checkpoint holds another schedule

protected:
    virtual void save_extra(Metadata& meta) const {}
    virtual void load_extra(const Metadata& meta) {}
    Optimizer& optimizer_;
    double base_lr_;
    int64_t last_epoch_ = 0;
};

// Epoch-driven schedules: step() once per epoch.
class EpochScheduler : public LRScheduler {
public:
    using LRScheduler::LRScheduler;
    void step();                 // last_epoch += 1, then lr := next_lr()
protected:
    virtual double next_lr() const = 0;   // from optimizer_.lr() and last_epoch_ (already incremented)
};

// StepLR: lr *= gamma every step_size epochs.
//   lr_e = lr_{e-1} * gamma   if e % step_size == 0 (e > 0)      closed form: base_lr * gamma^floor(e / step_size)
//   lr_e = lr_{e-1}           otherwise
class StepLR : public EpochScheduler {
public:
    StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);
    std::string type() const override { return "StepLR"; }
    std::string describe() const override;
protected:
    double next_lr() const override;
private:
    int64_t step_size_;
    double gamma_;
};

// CosineAnnealingLR (SGDR without restarts): closed form
//   lr_e = eta_min + (base_lr - eta_min) * (1 + cos(pi * e / T_max)) / 2
// computed, as PyTorch's step() does, recursively from lr_{e-1}:
//   lr_e = eta_min + (lr_{e-1} - eta_min) * (1 + cos(pi * e / T_max)) / (1 + cos(pi * (e - 1) / T_max))
//   except when (e - 1 - T_max) % (2 T_max) == 0 (the trough, where the ratio would divide by 0):
//   lr_e = lr_{e-1} + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2
// Past T_max the lr rises again (a cosine, period 2 T_max), exactly as in PyTorch.
class CosineAnnealingLR : public EpochScheduler {
public:
    CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0);
    std::string type() const override { return "CosineAnnealingLR"; }
    std::string describe() const override;
protected:
    double next_lr() const override;
private:
    int64_t T_max_;
    double eta_min_;
};

// ReduceLROnPlateau: lr *= factor when the metric (e.g. validation loss) has not improved for more than
// `patience` epochs. Per step(metric):
//   improved = metric < best * (1 - threshold)   (mode "min", threshold_mode "rel")
//              metric < best - threshold         (mode "min", "abs")
//              metric > best * (1 + threshold)   (mode "max", "rel")
//              metric > best + threshold         (mode "max", "abs")
//   improved ? (best = metric, bad = 0) : bad += 1
//   in cooldown (cooldown_counter > 0): cooldown_counter -= 1, bad = 0
//   bad > patience: lr = max(lr * factor, min_lr) (only if that lowers it by more than eps = 1e-8),
//                   cooldown_counter = cooldown, bad = 0
class ReduceLROnPlateau : public LRScheduler {
public:
    ReduceLROnPlateau(Optimizer& optimizer, const std::string& mode = "min", double factor = 0.1,
                      int64_t patience = 10, double threshold = 1e-4, const std::string& threshold_mode = "rel",
                      int64_t cooldown = 0, double min_lr = 0, double eps = 1e-8);
    std::string type() const override { return "ReduceLROnPlateau"; }
    std::string describe() const override;
    void step(double metric);
    double best() const { return best_; }
    int64_t num_bad_epochs() const { return num_bad_epochs_; }
protected:
    void save_extra(Metadata& meta) const override;
    void load_extra(const Metadata& meta) override;
private:
    bool is_better(double a, double best) const;
    std::string mode_, threshold_mode_;
    double factor_, threshold_, min_lr_, eps_;
    int64_t patience_, cooldown_;
    double best_;
    int64_t num_bad_epochs_ = 0, cooldown_counter_ = 0;
};

}  // namespace melgrad
