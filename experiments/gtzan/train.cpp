// The training loop, top down: train() sets the run up and walks the epochs; run_epoch() trains one epoch
// and validates it; train_step() is one step of gradient descent; end_epoch() writes the epoch's results.
// Where the run stands (and what --resume restores) is a TrainState (train_state.h); the files it writes
// are train_files.h's and train_checkpoints.h's.
#include "experiments/gtzan/train.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>

#include "experiments/gtzan/ctrl_c.h"
#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/evaluate.h"
#include "experiments/gtzan/features.h"
#include "experiments/gtzan/splits.h"
#include "experiments/gtzan/train_checkpoints.h"
#include "experiments/gtzan/train_files.h"
#include "experiments/gtzan/train_state.h"
#include "experiments/progress.h"
#include "framework/backend.h"
#include "framework/cuda/config.h"
#include "framework/device_choice.h"
#include "framework/layers/softmax_cross_entropy.h"
#include "framework/model_text.h"
#include "framework/optim/adam.h"
#include "framework/optim/sgd.h"
#include "framework/rng.h"
#include "framework/tape.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {

namespace {

// ---- setting up --------------------------------------------------------------------------------------

void check_options(const TrainOptions& o) {
    if (o.out.empty()) throw std::invalid_argument("--out RUN_DIR is required");
    if (o.epochs <= 0 || o.batch <= 0) throw std::invalid_argument("--epochs and --batch must be positive");
}

// The header's audio parameters go into every checkpoint for predict: refuse bad ones now, not at predict time.
void check_dataset_header(const DatasetFile& data) {
    const FeatureSettings f = FeatureSettings::from_header(data.header(), "", data.path());
    if (data.header().count("n_mels") && f.n_mels != data.n_mels())
        throw std::invalid_argument(data.path() + ": header says n_mels=" + std::to_string(f.n_mels) +
                                    " but the chunks have " + std::to_string(data.n_mels()) + " mel bands");
    if (data.header().count("chunk_frames") && f.chunk_frames != data.chunk_frames())
        throw std::invalid_argument(data.path() + ": header says chunk_frames=" + std::to_string(f.chunk_frames) +
                                    " but the chunks have " + std::to_string(data.chunk_frames()) + " frames");
}

std::unique_ptr<Optimizer> make_optimizer(const TrainOptions& o, std::vector<NamedTensor> params) {
    if (o.optimizer == "adam") return std::make_unique<Adam>(params, o.lr, 0.9, 0.999, 1e-8, o.weight_decay);
    if (o.optimizer == "adamw") return std::make_unique<AdamW>(params, o.lr, 0.9, 0.999, 1e-8, o.weight_decay);
    if (o.optimizer == "sgd") return std::make_unique<SGD>(params, o.lr, 0.9, 0.0, o.weight_decay, false);
    throw std::invalid_argument("--optimizer must be adam, adamw or sgd, got '" + o.optimizer + "'");
}

// Everything one training run works with, set up once by train().
struct Run {
    const TrainOptions& o;
    const DatasetFile& data;
    const Split& split;
    Module& model;
    Optimizer& opt;
    Device device;
    Metadata meta;  // run_metadata(): carried by both checkpoints
    fs::path dir, last_ckpt, best_ckpt, metrics;
    long batches_per_epoch;     // the whole training part, or --max-batches
    long batches_this_call = 0; // for TrainOptions::interrupt_after_batches

    Run(const TrainOptions& o, const DatasetFile& data, const Split& split, Module& model, Optimizer& opt,
        Device device, Metadata meta)
        : o(o), data(data), split(split), model(model), opt(opt), device(device), meta(std::move(meta)), dir(o.out),
          last_ckpt(dir / "last.ckpt"), best_ckpt(dir / "model.ckpt"), metrics(dir / "metrics.csv") {
        const long all = ((long)split.train.size() + o.batch - 1) / o.batch;
        batches_per_epoch = o.max_batches_per_epoch > 0 ? std::min(all, o.max_batches_per_epoch) : all;
    }
};

// A fresh run writes settings.txt, model.txt and metrics.csv's header; --resume loads last.ckpt instead
// and returns the state it was saved in.
TrainState start_or_resume(const Run& run) {
    if (run.o.resume && fs::exists(run.last_ckpt)) {
        TrainState state = restore_last_checkpoint(run.last_ckpt.string(), run.meta, run.model, run.opt);
        check_state_fits_run(state, run.last_ckpt.string(), run.batches_per_epoch, run.o.batch);
        keep_metrics_rows(run.metrics, state.epochs_done);
        if (!run.o.quiet && state.epochs_done >= run.o.epochs)
            std::fprintf(stderr, "%s has already trained %d epochs: nothing to do (raise --epochs to go on)\n",
                         run.dir.string().c_str(), state.epochs_done);
        else if (!run.o.quiet)
            std::fprintf(stderr, "resuming %s from epoch %d, batch %ld\n", run.dir.string().c_str(),
                         state.epochs_done + 1, state.epoch.batches_done);
        return state;
    }
    if (run.o.resume && !run.o.quiet)
        std::fprintf(stderr, "--resume: no %s yet, starting from scratch\n", run.last_ckpt.string().c_str());
    start_metrics(run.metrics);
    write_settings(run.dir / "settings.txt", run.data, run.meta, run.device, run.split);
    write_text(run.dir / "model.txt", run.meta.at("model_text"));
    return TrainState{};
}

// A kill -9 during an atomic write leaves NAME.tmp beside NAME (framework/atomic_file.h): the next start
// removes those of the files train writes. Only ours, and only regular files.
void remove_stale_temporaries(const fs::path& dir, bool quiet) {
    for (const char* name : {"last.ckpt", "model.ckpt", "metrics.csv", "settings.txt", "model.txt"}) {
        const fs::path tmp = dir / (std::string(name) + ".tmp");
        std::error_code ec;
        if (!fs::is_regular_file(fs::symlink_status(tmp, ec))) continue;
        fs::remove(tmp, ec);
        if (!quiet && !ec) std::fprintf(stderr, "removed %s (left by an interrupted write)\n", tmp.string().c_str());
    }
}

// ---- one step, one epoch -----------------------------------------------------------------------------

// The order of epoch e's training chunks: a shuffle seeded by (seed, e) alone, so it can be recomputed.
std::vector<int> epoch_order(const std::vector<int>& train, uint64_t seed, int epoch) {
    std::vector<int> order = train;
    Rng rng(splitmix64_mix(seed ^ 0x7261696e6f726465ull) + (uint64_t)epoch);
    rng.shuffle(order.data(), order.size());
    return order;
}

// The dropout masks' random stream for batch b of epoch e: a function of (seed, e, b) alone.
uint64_t dropout_stream(uint64_t seed, int epoch, long b) {
    return splitmix64_mix(seed + 0x9E3779B97F4A7C15ull * ((uint64_t)epoch * 1000003 + b));
}

// Adds one trained batch to the epoch's running sums.
void record_batch(EpochProgress& p, const Tensor& loss, const Tensor& probs, const std::vector<int>& labels,
                  int classes) {
    std::vector<float> pr = probs.to_vector();
    for (size_t i = 0; i < labels.size(); i++) p.correct += argmax(pr.data() + i * classes, classes) == labels[i];
    p.loss_sum += (double)loss.item() * labels.size();
    p.seen += (long)labels.size();
    p.batches_done++;
}

// One step of minibatch gradient descent (paper II-B) on the epoch's next batch.
void train_step(Run& run, const std::vector<int>& order, int epoch, EpochProgress& progress) {
    const long b = progress.batches_done;
    const size_t begin = (size_t)b * run.o.batch, end = std::min(order.size(), begin + run.o.batch);
    std::vector<int> labels;
    Tensor x = gather_batch(run.data, order, begin, end, labels, run.device);  // the next batch
    run.model.set_random_stream(dropout_stream(run.o.seed, epoch, b));

    run.opt.zero_grad();
    Tensor probs;
    Tensor logits = run.model.forward(x);
    Tensor loss = softmax_cross_entropy(logits, labels, &probs);
    if (!std::isfinite(loss.item()))  // NaN weights or features: stop here rather than train garbage
        throw std::runtime_error("epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1) +
                                 ": the loss is " + fmt(loss.item(), "%g") +
                                 " (non-finite weights or features); last.ckpt still holds the last good epoch");
    backward(loss);
    run.opt.step();

    record_batch(progress, loss, probs, labels, (int)run.data.genres().size());
}

bool should_stop(const Run& run, const CtrlC& ctrl_c) {
    return ctrl_c.pressed() ||
           (run.o.interrupt_after_batches > 0 && run.batches_this_call >= run.o.interrupt_after_batches);
}

std::string running_numbers(const EpochProgress& p) {
    return "loss " + fmt(p.loss_sum / p.seen, "%.3f") + " acc " + fmt(100.0 * p.correct / p.seen, "%.1f") + "%";
}

// Loss and accuracy on the validation chunks (no tape; BatchNorm and Dropout in eval mode): the epoch's row.
EpochRow validate(Run& run, int epoch, const EpochProgress& p) {
    ChunkPredictions val = predict_chunks(run.model, run.data, run.split.val, run.device);
    EpochRow row;
    row.epoch = epoch + 1;
    row.train_loss = p.loss_sum / std::max(1L, p.seen);
    row.train_acc = (double)p.correct / std::max(1L, p.seen);
    row.val_loss = val.mean_loss;
    row.val_acc = val.confusion.accuracy();
    row.lr = run.opt.lr();
    row.seconds = p.seconds;
    return row;
}

// One epoch from where `progress` stands (mid-epoch after a resume): train on the epoch's shuffled chunks,
// then validate. Returns the epoch's metrics row, or nothing when stopped by Ctrl-C — `progress` then says
// where, for last.ckpt.
std::optional<EpochRow> run_epoch(Run& run, int epoch, EpochProgress& progress, const CtrlC& ctrl_c) {
    std::vector<int> order = epoch_order(run.split.train, run.o.seed, epoch);
    run.model.train();
    ProgressBar bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(run.o.epochs),
                    std::min<long long>((long long)run.batches_per_epoch * run.o.batch, (long long)order.size()),
                    "samples");
    const double seconds_before = progress.seconds;
    while (progress.batches_done < run.batches_per_epoch) {
        if (should_stop(run, ctrl_c)) {
            progress.seconds = seconds_before + bar.seconds();
            return std::nullopt;
        }
        train_step(run, order, epoch, progress);
        run.batches_this_call++;
        if (!run.o.quiet) bar.update(progress.seen, running_numbers(progress));
    }
    progress.seconds = seconds_before + bar.seconds();
    EpochRow row = validate(run, epoch, progress);
    if (!run.o.quiet)
        bar.finish("loss " + fmt(row.train_loss, "%.3f") + " acc " + fmt(100 * row.train_acc, "%.1f") + "%  val loss " +
                   fmt(row.val_loss, "%.3f") + " acc " + fmt(100 * row.val_acc, "%.1f") + "%");
    return row;
}

// ---- after an epoch, after an interruption -----------------------------------------------------------

// The epoch's row in metrics.csv, model.ckpt when validation accuracy is the best so far, last.ckpt.
void end_epoch(Run& run, TrainState& state, const EpochRow& row) {
    append_metrics_row(run.metrics, row);
    if (row.val_acc > state.best_val_acc || state.best_epoch == 0) {
        state.best_val_acc = row.val_acc;
        state.best_epoch = row.epoch;
        save_best_checkpoint(run.best_ckpt.string(), run.meta, run.model, row.epoch, row.val_acc);
    }
    state.epochs_done = row.epoch;
    state.epoch = EpochProgress{};
    save_last_checkpoint(run.last_ckpt.string(), run.meta, run.model, run.opt, state);
}

void save_interrupted(Run& run, const TrainState& state) {
    save_last_checkpoint(run.last_ckpt.string(), run.meta, run.model, run.opt, state);
    std::fprintf(stderr, "\ninterrupted: saved %s (epoch %d, batch %ld); continue with --resume\n",
                 run.last_ckpt.string().c_str(), state.epochs_done + 1, state.epoch.batches_done);
}

}  // namespace

TrainResult train(const TrainOptions& o) {
    check_options(o);
    set_num_threads(o.threads);
    DatasetFile data(o.data);
    check_dataset_header(data);
    Split split = make_split(data, o.split, o.seed);
    std::string model_text = resolve_model_text(o.model);
    BuiltModel built = build_model(model_text, o.model, o.seed, (int)data.genres().size());
    Device device = choose_device(o.device, !o.quiet);
    cuda::set_tf32(o.tf32);
    cuda::set_deterministic(o.deterministic);
    check_model_fits_chunks(built.input_shape, built.output_shape, data.n_mels(), data.chunk_frames(),
                            data.genres().size(), "model " + o.model, o.data);
    built.model->to(device);
    std::unique_ptr<Optimizer> opt = make_optimizer(o, built.model->parameters());
    fs::create_directories(o.out);
    remove_stale_temporaries(o.out, o.quiet);
    Run run(o, data, split, *built.model, *opt, device, run_metadata(o, data, model_text));

    TrainState state = start_or_resume(run);
    TrainResult result;
    CtrlC ctrl_c;
    while (state.epochs_done < o.epochs) {
        std::optional<EpochRow> row = run_epoch(run, state.epochs_done, state.epoch, ctrl_c);
        if (!row) {
            save_interrupted(run, state);
            result.interrupted = true;
            break;
        }
        end_epoch(run, state, *row);
        result.final_train_loss = row->train_loss;
        result.final_val_loss = row->val_loss;
        result.final_val_acc = row->val_acc;
    }
    result.epochs_done = state.epochs_done;
    result.best_val_acc = state.best_val_acc;
    result.best_epoch = state.best_epoch;
    return result;
}

}  // namespace melgrad::gtzan
