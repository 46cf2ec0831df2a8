#include "experiments/gtzan/train.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/evaluate.h"
#include "experiments/gtzan/splits.h"
#include "experiments/progress.h"
#include "framework/backend.h"
#include "framework/checkpoint.h"
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

volatile std::sig_atomic_t g_interrupted = 0;
void on_sigint(int) {
    g_interrupted = 1;
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program at once
}

std::unique_ptr<Optimizer> make_optimizer(const TrainOptions& o, std::vector<NamedTensor> params) {
    if (o.optimizer == "adam") return std::make_unique<Adam>(params, o.lr, 0.9, 0.999, 1e-8, o.weight_decay);
    if (o.optimizer == "adamw") return std::make_unique<AdamW>(params, o.lr, 0.9, 0.999, 1e-8, o.weight_decay);
    if (o.optimizer == "sgd") return std::make_unique<SGD>(params, o.lr, 0.9, 0.0, o.weight_decay, false);
    throw std::invalid_argument("--optimizer must be adam, adamw or sgd, got '" + o.optimizer + "'");
}

// The order of epoch e's training chunks: a shuffle seeded by (seed, e) alone, so it can be recomputed.
std::vector<int> epoch_order(const std::vector<int>& train, uint64_t seed, int epoch) {
    std::vector<int> order = train;
    Rng rng(splitmix64_mix(seed ^ 0x7261696e6f726465ull) + (uint64_t)epoch);
    rng.shuffle(order.data(), order.size());
    return order;
}

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream f(p);
    f << text;
    if (!f) throw std::runtime_error(p.string() + ": cannot write");
}

// metrics.csv keeps the first `rows` epochs (a resumed run rewrites what came after its checkpoint).
void truncate_metrics(const fs::path& p, int rows) {
    std::ifstream in(p);
    std::string line, kept;
    for (int i = 0; i <= rows && std::getline(in, line); i++) kept += line + "\n";
    write_text(p, kept);
}

std::string fmt(double v, const char* f = "%.6f") {
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

}  // namespace

TrainResult train(const TrainOptions& o) {
    if (o.out.empty()) throw std::invalid_argument("--out RUN_DIR is required");
    if (o.epochs <= 0 || o.batch <= 0) throw std::invalid_argument("--epochs and --batch must be positive");
    set_num_threads(o.threads);
    DatasetFile data(o.data);
    Split split = make_split(data, o.split, o.seed);
    std::string model_text = resolve_model_text(o.model);
    BuiltModel built = build_model(model_text, o.model, o.seed);
    Module& model = *built.model;
    Device device = choose_device(o.device, !o.quiet);
    cuda::set_tf32(o.tf32);
    cuda::set_deterministic(o.deterministic);
    Shape expected = {1, data.n_mels(), data.chunk_frames()};
    if (built.input_shape != expected)
        throw std::invalid_argument("model " + o.model + " takes " + shape_str(built.input_shape) + " but " + o.data +
                                    " holds chunks " + shape_str(expected));
    if (built.output_shape != Shape{(int)data.genres().size()})
        throw std::invalid_argument("model " + o.model + " has " + shape_str(built.output_shape) + " outputs but the data has " +
                                    std::to_string(data.genres().size()) + " genres");
    model.to(device);
    std::unique_ptr<Optimizer> opt = make_optimizer(o, model.parameters());

    fs::path run(o.out);
    fs::create_directories(run);
    fs::path last_ckpt = run / "last.ckpt", best_ckpt = run / "model.ckpt", metrics = run / "metrics.csv";

    // Everything the run depends on, for the checkpoint metadata and settings.txt.
    Metadata meta;
    meta["model_name"] = o.model;
    meta["model_text"] = model_text;
    meta["data"] = o.data;
    meta["split"] = o.split;
    meta["seed"] = std::to_string(o.seed);
    meta["batch"] = std::to_string(o.batch);
    meta["epochs"] = std::to_string(o.epochs);
    meta["lr"] = exact_double_str(o.lr);
    meta["optimizer"] = o.optimizer;
    meta["weight_decay"] = exact_double_str(o.weight_decay);
    meta["synthetic"] = data.synthetic() ? "1" : "0";
    std::string genres;
    for (auto& g : data.genres()) genres += (genres.empty() ? "" : ",") + g;
    meta["genres"] = genres;
    for (auto& kv : data.header())  // the audio parameters, so predict computes the same features
        if (kv.first != "genres") meta["data." + kv.first] = kv.second;

    int start_epoch = 0;
    long start_batch = 0;
    double part_loss = 0, elapsed_before = 0;
    long part_correct = 0, part_seen = 0;
    TrainResult result;
    if (o.resume && fs::exists(last_ckpt)) {
        Checkpoint ck = load_checkpoint(last_ckpt.string());
        for (const char* key : {"model_text", "split", "seed", "batch", "data"})
            if (ck.meta(key) != meta[key])
                throw std::runtime_error(last_ckpt.string() + ": cannot resume: '" + key + "' differs from this run's");
        std::vector<NamedTensor> model_state = model.state(), opt_state = opt->state();
        restore_into(ck, model_state, "model");
        restore_into(ck, opt_state, "optimizer");
        opt->load_metadata(ck.metadata);
        start_epoch = std::stoi(ck.meta("epochs_done"));
        start_batch = std::stol(ck.meta("batch_in_epoch"));
        part_loss = parse_double(ck.meta("partial_loss_sum"), "partial_loss_sum");
        part_correct = std::stol(ck.meta("partial_correct"));
        part_seen = std::stol(ck.meta("partial_seen"));
        elapsed_before = parse_double(ck.meta("epoch_seconds_before"), "epoch_seconds_before");
        result.best_val_acc = parse_double(ck.meta("best_val_acc"), "best_val_acc");
        result.best_epoch = std::stoi(ck.meta("best_epoch"));
        truncate_metrics(metrics, start_epoch);
        result.epochs_done = start_epoch;
        if (!o.quiet && start_epoch >= o.epochs)
            std::fprintf(stderr, "%s has already trained %d epochs: nothing to do (raise --epochs to go on)\n",
                         run.string().c_str(), start_epoch);
        else if (!o.quiet)
            std::fprintf(stderr, "resuming %s from epoch %d, batch %ld\n", run.string().c_str(), start_epoch + 1,
                         start_batch);
    } else {
        if (o.resume && !o.quiet) std::fprintf(stderr, "--resume: no %s yet, starting from scratch\n", last_ckpt.string().c_str());
        write_text(metrics, "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n");
        // The first line says where the data came from (read by the report page).
        std::string settings = data.synthetic() ? "provenance=synthetic (melgrad synth-gtzan stand-in, not GTZAN)\n"
                                                : "provenance=gtzan (" + data.header_value("source") + ")\n";
        for (auto& kv : meta)
            if (kv.first != "model_text") settings += kv.first + "=" + kv.second + "\n";
        settings += "device=" + std::string(device_name(device)) + "\nthreads=" + std::to_string(num_threads()) + "\n";
        settings += describe_split(split) + "\n";
        write_text(run / "settings.txt", settings);
        write_text(run / "model.txt", model_text);
    }

    auto save_last = [&](int epochs_done, long batch_in_epoch, double loss_sum, long correct, long seen, double secs) {
        Metadata m = meta;
        opt->save_metadata(m);
        m["epochs_done"] = std::to_string(epochs_done);
        m["batch_in_epoch"] = std::to_string(batch_in_epoch);
        m["partial_loss_sum"] = exact_double_str(loss_sum);
        m["partial_correct"] = std::to_string(correct);
        m["partial_seen"] = std::to_string(seen);
        m["epoch_seconds_before"] = exact_double_str(secs);
        m["best_val_acc"] = exact_double_str(result.best_val_acc);
        m["best_epoch"] = std::to_string(result.best_epoch);
        std::vector<NamedTensor> all = with_section("model", model.state());
        for (auto& t : with_section("optimizer", opt->state())) all.push_back(t);
        save_checkpoint(last_ckpt.string(), m, all);
    };

    g_interrupted = 0;
    auto previous_handler = std::signal(SIGINT, on_sigint);
    const long batches_total = ((long)split.train.size() + o.batch - 1) / o.batch;
    const long batches = o.max_batches_per_epoch > 0 ? std::min(batches_total, o.max_batches_per_epoch) : batches_total;
    for (int epoch = start_epoch; epoch < o.epochs; epoch++) {
        std::vector<int> order = epoch_order(split.train, o.seed, epoch);
        model.train();
        ProgressBar bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs),
                        std::min<long long>((long long)batches * o.batch, (long long)order.size()), "samples");
        std::vector<int> labels;
        long b = (epoch == start_epoch) ? start_batch : 0;
        double loss_sum = (epoch == start_epoch) ? part_loss : 0, secs_before = (epoch == start_epoch) ? elapsed_before : 0;
        long correct = (epoch == start_epoch) ? part_correct : 0, seen = (epoch == start_epoch) ? part_seen : 0;
        for (; b < batches; b++) {
            if (g_interrupted) {
                save_last(epoch, b, loss_sum, correct, seen, secs_before + bar.seconds());
                std::signal(SIGINT, previous_handler);
                std::fprintf(stderr, "\ninterrupted: saved %s (epoch %d, batch %ld); continue with --resume\n",
                             last_ckpt.string().c_str(), epoch + 1, b);
                result.interrupted = true;
                result.epochs_done = epoch;
                return result;
            }
            size_t begin = (size_t)b * o.batch, end = std::min(order.size(), begin + o.batch);
            Tensor x = gather_batch(data, order, begin, end, labels, device);
            model.set_random_stream(splitmix64_mix(o.seed + 0x9E3779B97F4A7C15ull * ((uint64_t)epoch * 1000003 + b)));
            opt->zero_grad();
            Tensor probs;
            Tensor logits = model.forward(x);
            Tensor loss = softmax_cross_entropy(logits, labels, &probs);
            backward(loss);
            opt->step();
            std::vector<float> p = probs.to_vector();
            int classes = (int)data.genres().size();
            for (size_t i = 0; i < labels.size(); i++) correct += argmax(p.data() + i * classes, classes) == labels[i];
            loss_sum += (double)loss.item() * labels.size();
            seen += (long)labels.size();
            if (!o.quiet)
                bar.update(seen, "loss " + fmt(loss_sum / seen, "%.3f") + " acc " + fmt(100.0 * correct / seen, "%.1f") + "%");
        }
        double secs = secs_before + bar.seconds();
        ChunkPredictions val = predict_chunks(model, data, split.val, device);
        double train_loss = loss_sum / std::max(1L, seen), train_acc = (double)correct / std::max(1L, seen);
        double val_acc = val.confusion.accuracy();
        if (!o.quiet)
            bar.finish("loss " + fmt(train_loss, "%.3f") + " acc " + fmt(100 * train_acc, "%.1f") + "%  val loss " +
                       fmt(val.mean_loss, "%.3f") + " acc " + fmt(100 * val_acc, "%.1f") + "%");
        {
            std::ofstream m(metrics, std::ios::app);
            m << epoch + 1 << "," << fmt(train_loss) << "," << fmt(train_acc) << "," << fmt(val.mean_loss) << ","
              << fmt(val_acc) << "," << exact_double_str(opt->lr()) << "," << fmt(secs, "%.2f") << "\n";
        }
        if (val_acc > result.best_val_acc || result.best_epoch == 0) {
            result.best_val_acc = val_acc;
            result.best_epoch = epoch + 1;
            Metadata m = meta;
            m["epoch"] = std::to_string(epoch + 1);
            m["val_acc"] = exact_double_str(val_acc);
            save_checkpoint(best_ckpt.string(), m, model.state());
        }
        save_last(epoch + 1, 0, 0, 0, 0, 0);
        result.epochs_done = epoch + 1;
        result.final_train_loss = train_loss;
        result.final_val_loss = val.mean_loss;
        result.final_val_acc = val_acc;
    }
    std::signal(SIGINT, previous_handler);
    return result;
}

}  // namespace melgrad::gtzan
