// TrainState: what --resume restores, written into a checkpoint's metadata and read back as one thing.
// The round trip is exact (doubles bit for bit), the keys and their text are the ones last.ckpt has always
// had (old runs still resume), and every out-of-range counter is refused with an error naming the file.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "experiments/gtzan/train_state.h"

using namespace melgrad;
using gtzan::TrainState;

namespace {

TrainState sample_state() {
    TrainState s;
    s.epochs_done = 3;
    s.epoch.batches_done = 17;
    s.epoch.loss_sum = 0.1 + 0.2;  // 0.30000000000000004: needs all 17 digits
    s.epoch.correct = 5;
    s.epoch.seen = 12;
    s.epoch.seconds = 2.0 / 3.0;
    s.best_val_acc = 0.615;
    s.best_epoch = 2;
    return s;
}

// A checkpoint as load_checkpoint() returns it, holding the sample state with `key` set to `text`.
Checkpoint with_entry(const char* key, const std::string& text) {
    Checkpoint ck;
    ck.path = "runs/mine/last.ckpt";
    write_train_state(sample_state(), ck.metadata);
    ck.metadata[key] = text;
    return ck;
}

std::string read_error(const Checkpoint& ck) {
    try {
        gtzan::read_train_state(ck);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("train state: written as last.ckpt's eight metadata entries, in the text they have always had") {
    Metadata meta{{"seed", "7"}};
    gtzan::write_train_state(sample_state(), meta);
    CHECK(meta == Metadata{{"seed", "7"},
                           {"epochs_done", "3"},
                           {"batch_in_epoch", "17"},
                           {"partial_loss_sum", "0.30000000000000004"},
                           {"partial_correct", "5"},
                           {"partial_seen", "12"},
                           {"epoch_seconds_before", "0.6666666666666666"},
                           {"best_val_acc", "0.615"},
                           {"best_epoch", "2"}});
}

TEST_CASE("train state: round trip through a checkpoint file, bit for bit") {
    std::string path = "/tmp/melgrad_test_train_state_" + std::to_string(::getpid()) + ".ckpt";
    Metadata meta{{"model_name", "tiny-cnn"}};
    TrainState s = sample_state();
    gtzan::write_train_state(s, meta);
    save_checkpoint(path, meta, {});
    TrainState r = gtzan::read_train_state(load_checkpoint(path));
    CHECK(r.epochs_done == s.epochs_done);
    CHECK(r.epoch.batches_done == s.epoch.batches_done);
    CHECK(r.epoch.loss_sum == s.epoch.loss_sum);
    CHECK(r.epoch.correct == s.epoch.correct);
    CHECK(r.epoch.seen == s.epoch.seen);
    CHECK(r.epoch.seconds == s.epoch.seconds);
    CHECK(r.best_val_acc == s.best_val_acc);
    CHECK(r.best_epoch == s.best_epoch);

    // A fresh state (an epoch boundary before any epoch) reads back as all zeros.
    Metadata zero;
    gtzan::write_train_state(TrainState{}, zero);
    save_checkpoint(path, zero, {});
    TrainState z = gtzan::read_train_state(load_checkpoint(path));
    CHECK(z.epochs_done == 0);
    CHECK(z.epoch.batches_done == 0);
    CHECK(z.epoch.seen == 0);
    CHECK(z.best_epoch == 0);
    std::remove(path.c_str());
}

TEST_CASE("train state: out-of-range or malformed counters are refused, naming the file and the key") {
    CHECK(read_error(with_entry("seed", "not a counter")) == "");  // other keys are not the state's business
    struct Bad {
        const char* key;
        const char* text;
        const char* why;
    };
    for (Bad bad : {Bad{"epochs_done", "-1", "out of range"},
                    Bad{"epochs_done", "3.5", "not a whole number"},
                    Bad{"epochs_done", "99999999999", "out of range"},
                    Bad{"batch_in_epoch", "-2", "out of range"},
                    Bad{"batch_in_epoch", "", "not a whole number"},
                    Bad{"batch_in_epoch", "12abc", "not a whole number"},
                    Bad{"partial_seen", "-12", "out of range"},
                    Bad{"partial_correct", "13", "out of range 0..12"},  // more correct than seen
                    Bad{"partial_correct", "-1", "out of range"},
                    Bad{"partial_loss_sum", "-0.5", "below 0"},
                    Bad{"partial_loss_sum", "nan", "not a finite number"},
                    Bad{"partial_loss_sum", "inf", "not a finite number"},
                    Bad{"partial_loss_sum", "1e999", "not a finite number"},
                    Bad{"epoch_seconds_before", "-1", "below 0"},
                    Bad{"best_val_acc", "1.5", "out of range 0..1"},
                    Bad{"best_val_acc", "-0.1", "out of range"},
                    Bad{"best_epoch", "4", "out of range 0..3"},  // after the epochs done
                    Bad{"best_epoch", "-1", "out of range"}}) {
        std::string error = read_error(with_entry(bad.key, bad.text));
        CAPTURE(bad.key);
        CAPTURE(bad.text);
        CHECK(error.find("checkpoint runs/mine/last.ckpt") == 0);
        CHECK(error.find(std::string("'") + bad.key + "'") != std::string::npos);
        CHECK(error.find(bad.why) != std::string::npos);
    }
    // A missing entry: Checkpoint::meta's error, naming the file and the key.
    Checkpoint ck = with_entry("epochs_done", "3");
    ck.metadata.erase("partial_seen");
    std::string error = read_error(ck);
    CHECK(error.find("runs/mine/last.ckpt") != std::string::npos);
    CHECK(error.find("partial_seen") != std::string::npos);
}
