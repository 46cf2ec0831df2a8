// Training a model on a dataset file: the loop of the paper's step 7.
//
// One epoch: shuffle the training chunks (seeded by (seed, epoch), so any epoch's order can be recomputed),
// then for each batch of 32: forward -> softmax cross-entropy -> backward (the tape) -> optimizer step.
// After the epoch: loss and accuracy on the validation chunks (no tape, BatchNorm and Dropout in eval mode),
// a row in metrics.csv, last.ckpt (everything needed to resume), and model.ckpt when validation accuracy is
// the best so far.
//
// Exact resume: the shuffle order, the dropout masks (Module::set_random_stream(seed, step)) and the weight
// initialisation all derive from the seed, and the checkpoint holds the weights, BatchNorm's running
// statistics, the optimizer's moments and step counts, and the position inside the epoch — so a resumed
// run ends exactly where an uninterrupted one ends (same thread count, same device).
// Ctrl-C finishes the current batch, saves last.ckpt and exits; a second Ctrl-C exits at once.
//
// The pieces: train.cpp (the loop: train(), run_epoch(), train_step(), end_epoch()), train_state.h (what
// --resume restores), train_checkpoints.h (last.ckpt and model.ckpt), train_files.h (settings.txt, model.txt,
// metrics.csv), ctrl_c.h (SIGINT), train_parallel.h (what each rank of `mpirun -np N` does differently).
#pragma once
#include <cstdint>
#include <string>

namespace melgrad::gtzan {

struct TrainOptions {
    std::string data;                // dataset file (.mgd)
    std::string model = "paper-cnn"; // builtin name or model text file
    std::string split = "paper";     // paper | clip | fault-filtered
    std::string out;                 // run directory
    std::string device = "auto";     // auto | cpu | cuda
    std::string optimizer = "adam";  // adam | adamw | sgd
    int epochs = 30;
    int batch = 32;
    double lr = 1e-3;
    double weight_decay = 0.0;
    uint64_t seed = 0;
    int threads = 0;                 // 0 = all cores
    bool resume = false;
    long max_batches_per_epoch = 0;  // 0 = all (a cap for quick runs and tests)
    bool quiet = false;              // no progress bars (tests)
    bool tf32 = false;               // CUDA: allow TF32 tensor-core math (faster, ~1e-3 relative precision)
    bool deterministic = false;      // CUDA: deterministic cuDNN algorithms only (bit-identical reruns)
    long interrupt_after_batches = 0; // tests: stop as Ctrl-C does after this many batches of this call (0 = never)
    // Data parallel (mpirun -np N; docs/15-data-parallel.md). --batch stays the global batch.
    bool sync_bn = false;            // BatchNorm statistics over the global batch instead of each rank's shard
    // gradients all-reduced in buckets of about this many MB. DDP's default is 25, which holds each of our models
    // (the paper CNN: 4.59 MB) in one bucket, final only at the end of backward: nothing could overlap. At 1 MB
    // the paper CNN is three buckets, and 91 % of its bytes travel during the convolutions' backward.
    double bucket_mb = 1;
    bool overlap = true;             // start each bucket's all-reduce during backward (false: --no-overlap, after it)
    bool log_steps = false;          // print every step's loss and accuracy (global batch) on stdout
    bool verify_checksum = true;     // false (--no-checksum): skip the whole-file pass at start (bigger than memory)
};

struct TrainResult {
    int epochs_done = 0;
    double best_val_acc = 0;
    int best_epoch = 0;
    double final_train_loss = 0, final_val_loss = 0, final_val_acc = 0;
    bool interrupted = false;
    int ranks = 1;                   // data-parallel processes
    long steps = 0;                  // optimizer steps taken by this call
    double allreduce_seconds = 0;    // wall time in the gradient all-reduce calls (start, wait), over those steps
};

TrainResult train(const TrainOptions& options);

}  // namespace melgrad::gtzan
