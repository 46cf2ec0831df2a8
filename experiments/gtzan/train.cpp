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
#include "experiments/gtzan/train_parallel.h"
#include "experiments/gtzan/train_state.h"
#include "experiments/progress.h"
#include "framework/backend.h"
#include "framework/cuda/config.h"
#include "framework/cuda/handoff.h"
#include "framework/device_choice.h"
#include "framework/distributed/gradient_buckets.h"
#include "framework/distributed/overlapped_all_reduce.h"
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

void check_options(const TrainOptions& o, const distributed::Communicator& comm) {
    if (o.out.empty()) throw std::invalid_argument("--out RUN_DIR is required");
    if (o.epochs <= 0 || o.batch <= 0) throw std::invalid_argument("--epochs and --batch must be positive");
    if (!(o.bucket_mb > 0 && o.bucket_mb <= 4096))
        throw std::invalid_argument("--bucket-mb must be in (0, 4096], got " + fmt(o.bucket_mb, "%g"));
    check_batch_divides(o.batch, comm.size());
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
    distributed::Communicator& comm;          // the ranks (one: a plain run)
    std::unique_ptr<distributed::DeviceAllReduce> nccl;  // CUDA and several ranks: NCCL (else none)
    distributed::GradientAllReduce gradients; // averages the gradients over the global batch
    Metadata meta;  // run_metadata(): carried by both checkpoints
    fs::path dir, last_ckpt, best_ckpt, metrics;
    long batches_per_epoch;     // the whole training part, or --max-batches
    long batches_this_call = 0; // for TrainOptions::interrupt_after_batches

    Run(const TrainOptions& o, const DatasetFile& data, const Split& split, Module& model, Optimizer& opt,
        Device device, distributed::Communicator& comm, Metadata meta)
        : o(o), data(data), split(split), model(model), opt(opt), device(device), comm(comm),
          nccl(device == Device::CUDA && comm.size() > 1 && distributed::nccl_available()
                   ? distributed::make_nccl_all_reduce(comm) : nullptr),
          gradients(comm, opt.params(), (size_t)(o.bucket_mb * 1024 * 1024), nccl.get()), meta(std::move(meta)),
          dir(o.out), last_ckpt(dir / "last.ckpt"), best_ckpt(dir / "model.ckpt"), metrics(dir / "metrics.csv") {
        long all = ((long)split.train.size() + o.batch - 1) / o.batch;
        // A last, short batch with fewer samples than ranks would leave a rank without one: it is skipped.
        if (all > 0 && (long)split.train.size() - (all - 1) * o.batch < comm.size()) all--;
        batches_per_epoch = o.max_batches_per_epoch > 0 ? std::min(all, o.max_batches_per_epoch) : all;
    }
};

// A fresh run writes settings.txt, model.txt and metrics.csv's header; --resume loads last.ckpt instead
// and returns the state it was saved in.
TrainState start_or_resume(const Run& run) {
    if (!run.o.resume && (fs::exists(run.last_ckpt) || fs::exists(run.best_ckpt)))  // never overwritten silently
        throw std::runtime_error(run.dir.string() + " already holds a run (" +
                                 (fs::exists(run.last_ckpt) ? run.last_ckpt : run.best_ckpt).filename().string() +
                                 "): give --resume to continue it, or another --out; nothing was changed");
    if (run.o.resume && fs::exists(run.last_ckpt)) {
        TrainState state = restore_last_checkpoint(run.last_ckpt.string(), run.meta, run.model, run.opt);
        check_state_fits_run(state, run.last_ckpt.string(), run.batches_per_epoch, run.o.batch);
        if (run.comm.is_root()) keep_metrics_rows(run.metrics, state.epochs_done);
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
    if (!run.comm.is_root()) return TrainState{};  // rank 0 alone writes the run folder
    start_metrics(run.metrics);
    const std::string parallel = "ranks=" + std::to_string(run.comm.size()) + "\nsync_bn=" + (run.o.sync_bn ? "1" : "0") +
                                 "\nbucket_mb=" + exact_double_str(run.o.bucket_mb) + "\n";
    write_settings(run.dir / "settings.txt", run.data, run.meta, run.device, run.split, parallel);
    write_text(run.dir / "model.txt", run.meta.at("model_text"));
    return TrainState{};
}

// The settings every rank must share: the checkpoints' (but the dataset's path, which may differ between
// machines: its contents are compared instead), and the data-parallel ones.
uint64_t settings_fingerprint(const Run& run) {
    std::string text;
    for (const auto& [key, value] : run.meta)
        if (key != "data") text += key + "=" + value + "\n";
    text += "sync_bn=" + std::to_string(run.o.sync_bn) + "\nbucket_mb=" + exact_double_str(run.o.bucket_mb) +
            "\nmax_batches=" + std::to_string(run.o.max_batches_per_epoch) + "\noverlap=" +
            std::to_string(run.o.overlap) + "\n";
    return fnv1a64_words(text.data(), text.size());
}

// Under mpirun every rank must start alike: the same settings and dataset, the same place in the run, the
// same weights and optimizer state. A difference is an error on every rank, not a run that trains garbage
// or waits forever.
void check_ranks_start_alike(Run& run, const TrainState& state) {
    if (run.comm.size() == 1) return;
    check_ranks_agree(run.comm, settings_fingerprint(run), "the training settings",
                      "start every rank with the same options (--model, --batch, --lr, --seed, --sync-bn, ...)");
    check_ranks_agree(run.comm, dataset_fingerprint(run.data), "the dataset file " + run.o.data,
                      "every rank must read the same file (copy it to every machine, or share its folder)");
    const uint64_t place[2] = {(uint64_t)state.epochs_done, (uint64_t)state.epoch.batches_done};
    check_ranks_agree(run.comm, fnv1a64_words(place, sizeof place), "the place to resume from",
                      "every rank must read the same " + run.last_ckpt.string() +
                          " (put the run folder on a file system that every machine shares)");
    check_ranks_agree(run.comm, tensors_fingerprint(run.opt.state(), tensors_fingerprint(run.model.state())),
                      "the model's weights or the optimizer's state",
                      "start every rank with the same --model, --seed and last.ckpt");
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

// The global batch's loss and accuracy sums (every rank's shard added up).
SampleSums batch_sums(Run& run, const Tensor& loss, const Tensor& probs, const std::vector<int>& labels) {
    const int classes = (int)run.data.genres().size();
    std::vector<float> pr = probs.to_vector();
    SampleSums s;
    for (size_t i = 0; i < labels.size(); i++) s.correct += argmax(pr.data() + i * classes, classes) == labels[i];
    s.loss_sum = (double)loss.item() * labels.size();
    s.seen = (double)labels.size();
    sum_over_ranks(run.comm, s);
    return s;
}

// backward(), and the gradients averaged over the global batch: by default each bucket's all-reduce starts as
// soon as backward has finished its gradients (framework/distributed/overlapped_all_reduce.h); with
// --no-overlap all of them start after backward. Either way all are waited for before the optimizer step.
void backward_and_average(Run& run, Tensor& loss, double share) {
    if (!run.o.overlap || !run.gradients.needed(share)) {
        backward(loss);
        run.gradients.all_reduce(share);
        return;
    }
    distributed::OverlappedAllReduce overlap(run.gradients, share);
    current_tape().backward(loss, &overlap);
    overlap.finish();
}

// One step of minibatch gradient descent (paper II-B) on the epoch's next batch; this rank takes its shard
// of it, and the gradients are averaged over the whole batch before the step.
void train_step(Run& run, const std::vector<int>& order, int epoch, EpochProgress& progress) {
    const long b = progress.batches_done;
    const size_t begin = (size_t)b * run.o.batch, end = std::min(order.size(), begin + run.o.batch);
    const Shard mine = rank_shard(begin, end, run.comm.rank(), run.comm.size());
    std::vector<int> labels;
    Tensor x = gather_batch(run.data, order, mine.first, mine.last, labels, run.device);  // the next batch
    run.model.set_random_stream(dropout_stream(run.o.seed, epoch, b));
    run.model.set_sample_offset(mine.first - begin);

    run.opt.zero_grad();
    Tensor probs;
    Tensor logits = run.model.forward(x);
    Tensor loss = softmax_cross_entropy(logits, labels, &probs);
    const SampleSums step = batch_sums(run, loss, probs, labels);
    if (!std::isfinite(step.loss_sum))  // NaN weights or features: stop here rather than train garbage
        throw std::runtime_error("epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1) +
                                 ": the loss is " + fmt(step.loss_sum / step.seen, "%g") +
                                 " (non-finite weights or features); last.ckpt still holds the last good epoch");
    backward_and_average(run, loss, (double)mine.size() / (double)(end - begin));
    run.opt.step();

    progress.loss_sum += step.loss_sum;
    progress.correct += (long)step.correct;
    progress.seen += (long)step.seen;
    progress.batches_done++;
    if (run.o.log_steps && run.comm.is_root())
        std::printf("step epoch=%d batch=%ld loss=%.9g acc=%.6f\n", epoch + 1, b + 1, step.loss_sum / step.seen,
                    step.correct / step.seen);
}

// Every rank stops after the same batch: a Ctrl-C reaches the ranks at different moments.
bool should_stop(Run& run, const CtrlC& ctrl_c) {
    return any_rank(run.comm, ctrl_c.pressed() || (run.o.interrupt_after_batches > 0 &&
                                                   run.batches_this_call >= run.o.interrupt_after_batches));
}

std::string running_numbers(const EpochProgress& p) {
    return "loss " + fmt(p.loss_sum / p.seen, "%.3f") + " acc " + fmt(100.0 * p.correct / p.seen, "%.1f") + "%";
}

// Loss and accuracy on the validation chunks (no tape; BatchNorm and Dropout in eval mode): the epoch's row.
// Each rank predicts its shard of them, with rank 0's BatchNorm statistics.
EpochRow validate(Run& run, int epoch, const EpochProgress& p) {
    broadcast_buffers(run.comm, run.model);
    const Shard mine = rank_shard(0, run.split.val.size(), run.comm.rank(), run.comm.size());
    const std::vector<int> shard(run.split.val.begin() + mine.first, run.split.val.begin() + mine.last);
    ChunkPredictions val = predict_chunks(run.model, run.data, shard, run.device);
    SampleSums loss{val.mean_loss * (double)shard.size(), 0, (double)shard.size()};
    sum_over_ranks(run.comm, loss);
    sum_over_ranks(run.comm, val.confusion);
    val.mean_loss = loss.seen > 0 ? loss.loss_sum / loss.seen : 0;
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
// Every rank keeps the state; rank 0 alone writes the files.
void end_epoch(Run& run, TrainState& state, const EpochRow& row) {
    const bool write = run.comm.is_root();
    if (write) append_metrics_row(run.metrics, row);
    if (row.val_acc > state.best_val_acc || state.best_epoch == 0) {
        state.best_val_acc = row.val_acc;
        state.best_epoch = row.epoch;
        if (write) save_best_checkpoint(run.best_ckpt.string(), run.meta, run.model, row.epoch, row.val_acc);
    }
    state.epochs_done = row.epoch;
    state.epoch = EpochProgress{};
    if (write) save_last_checkpoint(run.last_ckpt.string(), run.meta, run.model, run.opt, state);
}

// Rank 0 saves; the others wait for it here, since mpirun ends the whole job as soon as one rank exits with
// the interrupted status (130).
void save_interrupted(Run& run, const TrainState& state) {
    if (run.comm.is_root()) {
        save_last_checkpoint(run.last_ckpt.string(), run.meta, run.model, run.opt, state);
        std::fprintf(stderr, "\ninterrupted: saved %s (epoch %d, batch %ld); continue with --resume\n",
                     run.last_ckpt.string().c_str(), state.epochs_done + 1, state.epoch.batches_done);
    }
    any_rank(run.comm, false);  // a barrier
}

}  // namespace

TrainResult train(const TrainOptions& options) {
    // First thing: when the GPU will be used, build/melgrad starts this command again as build/melgrad-cuda
    // (framework/cuda/handoff.h), so nothing that cannot be started twice (MPI_Init in distributed::world(), a
    // file being written) may happen before it. choose_device() below would do it too, but later.
    hand_off_to_cuda_build(options.device);
    distributed::Communicator& comm = distributed::world();
    TrainOptions o = options;
    o.quiet = o.quiet || !comm.is_root();  // rank 0 alone prints
    check_options(o, comm);
    set_num_threads(threads_per_rank(o.threads, comm));
    DatasetFile data(o.data, o.verify_checksum);
    check_dataset_header(data);
    Split split = make_split(data, o.split, o.seed);
    std::string model_text = resolve_model_text(o.model);
    BuiltModel built = build_model(model_text, o.model, o.seed, (int)data.genres().size());
    if (comm.size() > 1 && o.device != "cpu") distributed::bind_gpu_to_local_rank(comm);  // one GPU per rank
    Device device = choose_device(o.device, !o.quiet);
    if (o.sync_bn && comm.size() > 1 && device == Device::CUDA)
        throw std::invalid_argument("--sync-bn runs on the CPU only: with --device cuda, leave it out (per-rank BatchNorm)");
    cuda::set_tf32(o.tf32);
    cuda::set_deterministic(o.deterministic);
    check_model_fits_chunks(built.input_shape, built.output_shape, data.n_mels(), data.chunk_frames(),
                            data.genres().size(), "model " + o.model, o.data);
    built.model->to(device);
    std::unique_ptr<Optimizer> opt = make_optimizer(o, built.model->parameters());
    if (comm.is_root()) {
        fs::create_directories(o.out);
        remove_stale_temporaries(o.out, o.quiet);
    }
    if (o.sync_bn && comm.size() > 1) built.model->set_statistics_sync(&comm);
    Run run(o, data, split, *built.model, *opt, device, comm, run_metadata(o, data, model_text));

    TrainState state = start_or_resume(run);
    check_ranks_start_alike(run, state);
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
    result.ranks = comm.size();
    result.steps = run.batches_this_call;
    result.allreduce_seconds = run.gradients.seconds_in_collectives();
    return result;
}

}  // namespace melgrad::gtzan
