// The two checkpoints of a run folder (format: framework/checkpoint.h):
//   last.ckpt   everything --resume needs: the run's metadata, the optimizer's scalars, the TrainState
//               (experiments/gtzan/train_state.h), and the tensors of the model ("model.*") and of the
//               optimizer ("optimizer.*"). Rewritten after every epoch and on Ctrl-C.
//   model.ckpt  the model at its best validation accuracy: the run's metadata, "epoch" and "val_acc", and
//               the model's tensors without a section prefix (what `melgrad eval` and `predict` load).
#pragma once
#include <string>

#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/train.h"
#include "experiments/gtzan/train_state.h"
#include "framework/checkpoint.h"
#include "framework/module.h"
#include "framework/optim/optimizer.h"

namespace melgrad::gtzan {

// Everything the run depends on (model, data, split, seed, batch, optimizer, the data's audio parameters),
// carried by both checkpoints and listed in settings.txt.
Metadata run_metadata(const TrainOptions& options, const DatasetFile& data, const std::string& model_text);

void save_last_checkpoint(const std::string& path, const Metadata& run_meta, Module& model, Optimizer& opt,
                          const TrainState& state);

// The settings a resume keeps: given again with another value, the resume is refused (naming the setting and
// both values) rather than silently ignoring the new value (lr: the optimizer's saved schedule wins) or
// silently applying it (weight_decay). "data" is the dataset file's path and "data.fingerprint" what it was
// made from (inputs and feature settings): a file rebuilt at the same path with other settings is another
// dataset. The optimizer's type is checked first by Optimizer::load_metadata (last.ckpt's "optimizer" entry
// holds the optimizer's description, "optimizer.type" its type). --epochs may change (to train further), and so may --threads, --device and --max-batches
// (they change speed or the work per epoch, not the meaning of the saved state).
inline constexpr const char* kKeptOnResume[] = {"model_text", "data", "data.fingerprint", "split", "seed",
                                                "batch", "lr", "weight_decay"};

// Loads last.ckpt into `model` and `opt` and returns the state it was saved in. Throws std::runtime_error
// naming the file when the checkpoint belongs to another run (a kKeptOnResume setting differs), when a tensor
// is missing or misshapen, or when the state is out of range.
TrainState restore_last_checkpoint(const std::string& path, const Metadata& run_meta, Module& model, Optimizer& opt);

void save_best_checkpoint(const std::string& path, const Metadata& run_meta, Module& model, int epoch, double val_acc);

}  // namespace melgrad::gtzan
