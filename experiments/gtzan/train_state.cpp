#include "experiments/gtzan/train_state.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "framework/optim/optimizer.h"

namespace melgrad::gtzan {

void write_train_state(const TrainState& s, Metadata& meta) {
    meta["epochs_done"] = std::to_string(s.epochs_done);
    meta["batch_in_epoch"] = std::to_string(s.epoch.batches_done);
    meta["partial_loss_sum"] = exact_double_str(s.epoch.loss_sum);
    meta["partial_correct"] = std::to_string(s.epoch.correct);
    meta["partial_seen"] = std::to_string(s.epoch.seen);
    meta["epoch_seconds_before"] = exact_double_str(s.epoch.seconds);
    meta["best_val_acc"] = exact_double_str(s.best_val_acc);
    meta["best_epoch"] = std::to_string(s.best_epoch);
}

namespace {

// Reads one metadata entry, every problem reported as "checkpoint FILE: 'key' ...".
class StateReader {
public:
    explicit StateReader(const Checkpoint& ck) : ck_(ck) {}

    long whole(const char* key, long lo, long hi) const {
        const std::string& text = ck_.meta(key);
        errno = 0;
        char* end = nullptr;
        long long v = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || errno == ERANGE) fail(key, text, "is not a whole number");
        if (v < lo || v > hi) fail(key, text, "is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
        return (long)v;
    }

    double real(const char* key, double lo, double hi) const {
        const std::string& text = ck_.meta(key);
        errno = 0;
        char* end = nullptr;
        double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
            fail(key, text, "is not a finite number");
        if (v < lo || v > hi)
            fail(key, text, std::isinf(hi) ? "is below " + exact_double_str(lo)
                                           : "is out of range " + exact_double_str(lo) + ".." + exact_double_str(hi));
        return v;
    }

private:
    const Checkpoint& ck_;
    [[noreturn]] void fail(const char* key, const std::string& text, const std::string& why) const {
        throw std::runtime_error("checkpoint " + ck_.path + ": cannot resume: '" + key + "' = '" + text + "' " + why);
    }
};

}  // namespace

TrainState read_train_state(const Checkpoint& ck) {
    StateReader r(ck);
    TrainState s;
    s.epochs_done = (int)r.whole("epochs_done", 0, 1000000);  // --epochs' own limit
    s.epoch.batches_done = r.whole("batch_in_epoch", 0, LONG_MAX);
    s.epoch.seen = r.whole("partial_seen", 0, LONG_MAX);
    s.epoch.correct = r.whole("partial_correct", 0, s.epoch.seen);
    s.epoch.loss_sum = r.real("partial_loss_sum", 0.0, HUGE_VAL);
    s.epoch.seconds = r.real("epoch_seconds_before", 0.0, HUGE_VAL);
    s.best_val_acc = r.real("best_val_acc", 0.0, 1.0);
    s.best_epoch = (int)r.whole("best_epoch", 0, s.epochs_done);
    return s;
}

void check_state_fits_run(const TrainState& s, const std::string& path, long batches_per_epoch, int batch) {
    const std::string where = "checkpoint " + path + ": cannot resume: ";
    if (s.epoch.batches_done >= batches_per_epoch && s.epoch.batches_done > 0)
        throw std::runtime_error(where + "'batch_in_epoch' = " + std::to_string(s.epoch.batches_done) +
                                 " but an epoch of this run has " + std::to_string(batches_per_epoch) + " batches");
    // each batch done holds 1..batch samples
    if (s.epoch.seen < s.epoch.batches_done || s.epoch.seen > s.epoch.batches_done * (long)batch)
        throw std::runtime_error(where + "'partial_seen' = " + std::to_string(s.epoch.seen) + " does not fit " +
                                 std::to_string(s.epoch.batches_done) + " batches of at most " + std::to_string(batch));
}

}  // namespace melgrad::gtzan
