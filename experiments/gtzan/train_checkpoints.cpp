#include "experiments/gtzan/train_checkpoints.h"

#include <stdexcept>

#include "experiments/gtzan/class_names.h"

namespace melgrad::gtzan {

namespace {
std::string shorten(const std::string& s) { return s.size() <= 60 ? s : s.substr(0, 57) + "..."; }
}  // namespace

Metadata run_metadata(const TrainOptions& o, const DatasetFile& data, const std::string& model_text) {
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
    meta["genres"] = join_class_names(data.genres());
    for (auto& kv : data.header())  // the audio parameters, so predict computes the same features
        if (kv.first != "genres" && kv.first != "fma_split")  // (a letter per clip: the data's, not the model's)
            meta["data." + kv.first] = kv.second;
    return meta;
}

void save_last_checkpoint(const std::string& path, const Metadata& run_meta, Module& model, Optimizer& opt,
                          const TrainState& state) {
    Metadata meta = run_meta;
    opt.save_metadata(meta);
    write_train_state(state, meta);
    std::vector<NamedTensor> tensors = with_section("model", model.state());
    for (auto& t : with_section("optimizer", opt.state())) tensors.push_back(t);
    save_checkpoint(path, meta, tensors);
}

TrainState restore_last_checkpoint(const std::string& path, const Metadata& run_meta, Module& model, Optimizer& opt) {
    Checkpoint ck = load_checkpoint(path);
    // What a resume keeps (docs/08-training-loop.md): everything that shapes the trajectory. A different
    // value on the command line is refused, never silently ignored or silently applied.
    for (const char* key : kKeptOnResume)
        if (ck.meta(key) != run_meta.at(key))
            throw std::runtime_error(path + ": cannot resume: '" + key + "' is '" + shorten(run_meta.at(key)) +
                                     "' here but '" + shorten(ck.meta(key)) +
                                     "' in the checkpoint (a resume keeps the run's settings; use a new --out to change it)");
    TrainState state = read_train_state(ck);  // checked before anything is copied into the model
    std::vector<NamedTensor> model_state = model.state(), opt_state = opt.state();
    restore_into(ck, model_state, "model");
    restore_into(ck, opt_state, "optimizer");
    opt.load_metadata(ck.metadata);
    return state;
}

void save_best_checkpoint(const std::string& path, const Metadata& run_meta, Module& model, int epoch, double val_acc) {
    Metadata meta = run_meta;
    meta["epoch"] = std::to_string(epoch);
    meta["val_acc"] = exact_double_str(val_acc);
    save_checkpoint(path, meta, model.state());
}

}  // namespace melgrad::gtzan
