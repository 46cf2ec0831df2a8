// melgrad train: step 4 of the experiment.
#include <cstdio>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "experiments/gtzan/train.h"

namespace melgrad::cli {
namespace {

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
    o.weight_decay = a.double_option("--weight-decay", o.weight_decay);
    o.seed = (uint64_t)a.long_option("--seed", 0, 0);
    o.threads = a.int_option("--threads", 0, 0, 1 << 16);
    o.max_batches_per_epoch = a.long_option("--max-batches", 0, 0);
    o.resume = a.flag("--resume");
    o.tf32 = a.flag("--tf32");
    o.deterministic = a.flag("--deterministic");
    a.finish_no_positional();
    if (o.data.empty()) throw UsageError("--data DATASET.mgd is required (make one with melgrad preprocess)");
    if (o.out.empty()) throw UsageError("--out RUN_DIR is required");
    gtzan::TrainResult r = gtzan::train(o);
    if (r.interrupted) return 130;
    std::printf("trained %d epochs: best validation accuracy %.1f%% at epoch %d; run in %s\n", r.epochs_done,
                100 * r.best_val_acc, r.best_epoch, o.out.c_str());
    return 0;
}

MELGRAD_COMMAND("train", "train a model on a dataset file (progress, metrics.csv, checkpoints, --resume)",
                "usage: melgrad train --data DATASET.mgd --out runs/NAME [options]\n\n"
                "  --model paper-cnn|tiny-cnn|crnn|FILE   the model (default paper-cnn)\n"
                "  --split paper|clip|fault-filtered|fma (default paper: the paper's chunk shuffle)\n"
                "  --epochs 30  --batch 32  --lr 0.001  --optimizer adam|adamw|sgd  --weight-decay 0\n"
                "  --seed 0     --device auto|cpu|cuda  --threads 0 (all cores)\n"
                "  --max-batches N   cap the batches per epoch (quick runs)\n"
                "  --tf32 --deterministic   CUDA numerics: TF32 tensor cores (off by default); deterministic cuDNN\n"
                "  --resume          continue from runs/NAME/last.ckpt; ends exactly where an uninterrupted run ends.\n"
                "                    It keeps the run's model, data, split, seed, batch, optimizer, lr and weight decay\n"
                "                    (given with another value: refused); --epochs, --threads, --device, --max-batches may change\n\n"
                "Writes runs/NAME/{settings.txt, model.txt, metrics.csv, last.ckpt, model.ckpt (best on validation)}.\n"
                "Ctrl-C saves last.ckpt and exits; --resume continues.",
                cmd_train);

}  // namespace
}  // namespace melgrad::cli
