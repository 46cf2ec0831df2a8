// melgrad train: step 4 of the experiment.
#include <cstdio>
#include <exception>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/gtzan/train.h"
#include "framework/distributed/communicator.h"

namespace melgrad::cli {
namespace {

// Under mpirun, one rank's error must end every rank: the others would wait for it in the next all-reduce.
gtzan::TrainResult train_or_abort(const gtzan::TrainOptions& o) {
    try {
        return gtzan::train(o);
    } catch (const std::exception& e) {
        distributed::Communicator* comm = nullptr;
        try { comm = &distributed::world(); } catch (...) {}
        if (!comm || comm->size() == 1) throw;
        std::fprintf(stderr, "melgrad train: error on rank %d of %d: %s\n", comm->rank(), comm->size(), e.what());
        comm->abort(1);  // does not return
    }
}

// The data-parallel line of the summary: how much of the run was spent adding gradients up.
void print_parallel_summary(const gtzan::TrainResult& r, bool overlap) {
    if (r.ranks == 1 || r.steps == 0) return;
    std::printf("data parallel: %d ranks, %ld steps, gradient all-reduce %.2f ms per step (%s)\n", r.ranks, r.steps,
                1000 * r.allreduce_seconds / r.steps,
                overlap ? "started during backward" : "--no-overlap: started after backward");
}

int cmd_train(const std::vector<std::string>& args) {
    Args a(args, "melgrad train");
    gtzan::TrainOptions o;
    o.data = a.option("--data", "");
    o.model = a.option("--model", o.model);
    o.split = a.option("--split", o.split);
    o.out = a.option("-o", "--out", "");
    o.device = a.option("--device", o.device);
    o.optimizer = a.option("--optimizer", o.optimizer);
    o.epochs = a.int_option("--epochs", o.epochs, 1, 1000000);
    o.batch = a.int_option("--batch", o.batch, 1, 1 << 20);
    o.lr = a.double_option("--lr", o.lr);
    // PyTorch's defaults: AdamW decays by 0.01 (without it AdamW is exactly Adam), Adam and SGD not at all
    o.weight_decay = a.double_option("--weight-decay", o.optimizer == "adamw" ? 0.01 : 0.0);
    o.seed = (uint64_t)a.long_option("--seed", 0, 0);
    o.threads = a.int_option("--threads", 0, 0, 1 << 16);
    o.max_batches_per_epoch = a.long_option("--max-batches", 0, 0);
    o.resume = a.flag("--resume");
    o.tf32 = a.flag("--tf32");
    o.deterministic = a.flag("--deterministic");
    o.sync_bn = a.flag("--sync-bn");
    o.bucket_mb = a.double_option("--bucket-mb", o.bucket_mb);
    o.overlap = !a.flag("--no-overlap");
    o.log_steps = a.flag("--log-steps");
    o.verify_checksum = !a.flag("--no-checksum");
    a.finish_no_positional();
    if (o.data.empty()) throw UsageError("--data DATASET.mgd is required (make one with melgrad preprocess)");
    if (o.out.empty()) throw UsageError("--out RUN_DIR is required");
    gtzan::TrainResult r = train_or_abort(o);
    if (r.interrupted) return 130;
    if (!distributed::world().is_root()) return 0;  // rank 0 alone prints
    print_parallel_summary(r, o.overlap);
    std::printf("trained %d epochs: best validation accuracy %.1f%% at epoch %d; run in %s\n", r.epochs_done,
                100 * r.best_val_acc, r.best_epoch, o.out.c_str());
    return 0;
}

MELGRAD_COMMAND("train", "train a model on a dataset file (progress, metrics.csv, checkpoints, --resume)",
                "usage: melgrad train --data DATASET.mgd --out runs/NAME [options]\n\n"
                "  --model paper-cnn|tiny-cnn|crnn|FILE   the model (default paper-cnn)\n"
                "  --split paper|clip|fault-filtered|fma (default paper: the paper's chunk shuffle)\n"
                "  --epochs 30  --batch 32  --lr 0.001  --optimizer adam|adamw|sgd (sgd: momentum 0.9)\n"
                "  --weight-decay 0 (adamw: 0.01, as PyTorch)   no learning-rate schedule: the lr stays constant\n"
                "  --seed 0     --device auto|cpu|cuda  --threads 0 (all cores)\n"
                "  --max-batches N   cap the batches per epoch (quick runs)\n"
                "  --tf32 --deterministic   CUDA numerics: TF32 tensor cores (off by default); deterministic cuDNN\n"
                "  --log-steps       print every step's loss and accuracy (the global batch's) on stdout\n"
                "  --no-checksum     skip the checksum pass over the whole dataset file at start (a file larger than\n"
                "                    memory); each chunk is still checked for NaN/inf when read\n"
                "  --resume          continue from runs/NAME/last.ckpt; ends exactly where an uninterrupted run ends.\n"
                "                    Give the first run's flags again: it keeps the run's model, data, split, seed, batch, optimizer,\n"
                "                    lr and weight decay (another value, or a flag left out whose default differs, is refused);\n"
                "                    --epochs, --threads, --device, --max-batches may change\n\n"
                "Data parallel (docs/15-data-parallel.md): mpirun -np N build/melgrad train ... runs N ranks; --batch is\n"
                "the global batch (N must divide it), each rank trains on its shard, gradients are averaged.\n"
                "  --sync-bn         BatchNorm statistics over the global batch (N ranks train what 1 process trains)\n"
                "  --bucket-mb 1     gradients all-reduced in buckets of about this many MB, last layer first;\n"
                "                    each bucket's all-reduce starts during backward once its gradients are final\n"
                "  --no-overlap      start every bucket's all-reduce after backward instead (to compare)\n\n"
                "Writes runs/NAME/{settings.txt, model.txt, metrics.csv, last.ckpt, model.ckpt (best on validation)}.\n"
                "Ctrl-C saves last.ckpt and exits; --resume continues.",
                cmd_train);

}  // namespace
}  // namespace melgrad::cli
