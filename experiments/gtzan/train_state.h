// Where a training run stands: exactly what --resume restores besides the tensors (weights, BatchNorm
// statistics and the optimizer's moments, which the model and the optimizer save themselves).
//
// The shuffle order and the dropout masks are not state: they are recomputed from (seed, epoch, batch).
// What is state is the position — epochs finished, batches of the current epoch done — and the running
// sums of the epoch under way, so that an epoch interrupted by Ctrl-C and resumed writes the same
// metrics.csv row as one that never stopped.
//
// In last.ckpt the state is eight metadata entries (the file format is framework/checkpoint.h's):
//   epochs_done, batch_in_epoch, partial_loss_sum, partial_correct, partial_seen, epoch_seconds_before,
//   best_val_acc, best_epoch
// written by write_train_state() and read back, range-checked, by read_train_state(). Whole numbers are
// written in decimal, doubles as the shortest text that reads back to the same double (exact_double_str).
#pragma once
#include <string>

#include "framework/checkpoint.h"

namespace melgrad::gtzan {

// The epoch under way. All zero at an epoch boundary.
struct EpochProgress {
    long batches_done = 0;  // batches of this epoch already trained
    double loss_sum = 0;    // sum over the samples seen of their cross-entropy
    long correct = 0;       // samples seen whose argmax was the label
    long seen = 0;          // samples seen
    double seconds = 0;     // wall time spent on this epoch (before an interruption, when saved)
};

struct TrainState {
    int epochs_done = 0;     // whole epochs finished; the next epoch to train is epochs_done (0-based)
    EpochProgress epoch;     // the next epoch's progress: non-zero only after an interruption
    double best_val_acc = 0; // best validation accuracy so far, in [0, 1]
    int best_epoch = 0;      // the epoch (1-based) that reached it; 0 = none finished yet
};

// Puts the state into a checkpoint's metadata (the keys above; other keys are left as they are).
void write_train_state(const TrainState& state, Metadata& meta);

// Reads the state back from a loaded checkpoint. Throws std::runtime_error naming the file and the key
// when an entry is missing, is not a number, or is out of range (a negative count, more correct than seen,
// an accuracy outside [0, 1], a best epoch after the epochs done, a non-finite or negative sum).
TrainState read_train_state(const Checkpoint& checkpoint);

// The state against the run it resumes: a batch position past the epoch's batches, or more samples seen
// than those batches hold, is an error naming the file (a checksum-valid but hostile last.ckpt must not
// index past the shuffled order).
void check_state_fits_run(const TrainState& state, const std::string& path, long batches_per_epoch, int batch);

}  // namespace melgrad::gtzan
