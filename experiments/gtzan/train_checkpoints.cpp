#include "experiments/gtzan/train_checkpoints.h"

#include <filesystem>
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
    // What a resume keeps (docs/07-experiment.md, section 4): everything that shapes the trajectory. A different
    // value on the command line is refused, never silently ignored or silently applied. (A key absent on both
    // sides, e.g. the fingerprint of an old dataset file, counts as equal.)
    auto value = [](const Metadata& m, const char* key) {
        auto it = m.find(key);
        return it == m.end() ? std::string("(none)") : it->second;
    };
    // The data file may be named another way (./syn.mgd, an absolute path): the same file is the same data.
    auto same_file = [](const std::string& a, const std::string& b) {
        std::error_code ec1, ec2;
        const auto ca = std::filesystem::weakly_canonical(a, ec1), cb = std::filesystem::weakly_canonical(b, ec2);
        return !ec1 && !ec2 && ca == cb;
    };
    for (const char* key : kKeptOnResume)
        if (value(ck.metadata, key) != value(run_meta, key) &&
            !(std::string(key) == "data" && same_file(value(ck.metadata, key), value(run_meta, key))))
            throw std::runtime_error(path + ": cannot resume: '" + key + "' is '" + shorten(value(run_meta, key)) +
                                     "' here but '" + shorten(value(ck.metadata, key)) +
                                     "' in the checkpoint (a resume keeps the run's settings; use a new --out to change it)");
    TrainState state = read_train_state(ck);  // checked before anything is copied into the model
    try {  // first: another optimizer (SGD's momentum buffers in an Adam run) is named as such, not as a tensor
        opt.load_metadata(ck.metadata);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": cannot resume: " + e.what() + " (use a new --out to change it)");
    }
    std::vector<NamedTensor> model_state = model.state(), opt_state = opt.state();
    restore_into(ck, model_state, "model");
    restore_into(ck, opt_state, "optimizer");
    return state;
}

void save_best_checkpoint(const std::string& path, const Metadata& run_meta, Module& model, int epoch, double val_acc) {
    Metadata meta = run_meta;
    meta["epoch"] = std::to_string(epoch);
    meta["val_acc"] = exact_double_str(val_acc);
    save_checkpoint(path, meta, model.state());
}

}  // namespace melgrad::gtzan
