// Hostile runs (issue 13): datasets, checkpoints and run folders that are valid on the surface (the checksum
// passes) but lie. Each case crashed, hung, or printed garbage with exit 0 before; now each is an error that
// names the file and the field. A tiny 8 x 8 dataset and a one-layer model keep every case under a second.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>

#include "experiments/cli/command.h"
#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/eval_report.h"
#include "experiments/gtzan/predict.h"
#include "experiments/gtzan/train.h"
#include "framework/atomic_file.h"
#include "framework/checkpoint.h"
#include "tests/error_message.h"
#include "tests/experiments/tiny_run.h"

using namespace melgrad;
namespace fs = std::filesystem;

namespace {

const char* kGenres[] = {"blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock",
                         "polka", "fado"};

struct Scratch {
    fs::path dir;
    explicit Scratch(const std::string& name) : dir(fs::temp_directory_path() / ("melgrad_hostile_" + name + "_" + std::to_string(::getpid()))) {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

// `genres` genres, 6 clips each, 2 chunks a clip, 8 x 8 chunks; `fill` is every chunk's value pattern.
std::string make_dataset(const fs::path& path, int genres, float nan_at = -1, const std::string& fingerprint = "") {
    gtzan::DatasetContents c;
    c.n_mels = 8;
    c.chunk_frames = 8;
    c.header = {{"n_mels", "8"}, {"chunk_frames", "8"}, {"synthetic", "1"}};
    if (!fingerprint.empty()) c.header["fingerprint"] = fingerprint;
    for (int g = 0; g < genres; g++) c.genres.push_back(kGenres[g]);
    for (int g = 0; g < genres; g++)
        for (int i = 0; i < 6; i++) {
            gtzan::ClipEntry clip;
            clip.genre = g;
            clip.name = std::string(kGenres[g]) + "/" + kGenres[g] + ".0000" + std::to_string(i) + ".wav";
            clip.first_chunk = (uint32_t)c.chunks.size();
            clip.n_chunks = 2;
            for (uint32_t k = 0; k < 2; k++) c.chunks.push_back({(uint32_t)c.clips.size(), k * 8});
            c.clips.push_back(clip);
        }
    for (size_t i = 0; i < c.chunks.size() * 64; i++) c.data.push_back((float)((i * 7919) % 97) / 97.0f + (float)(i / 640));
    if (nan_at >= 0) c.data[(size_t)nan_at] = std::numeric_limits<float>::quiet_NaN();
    gtzan::write_dataset(path.string(), c);
    return path.string();
}

std::string make_model(const fs::path& path, int outputs) {
    std::ofstream(path) << "input 1 8 8\nflatten\nlinear out=" << outputs << "\n";
    return path.string();
}

gtzan::TrainOptions options(const std::string& data, const std::string& model, const fs::path& out) {
    gtzan::TrainOptions o;
    o.data = data;
    o.model = model;
    o.out = out.string();
    o.split = "clip";
    o.device = "cpu";
    o.epochs = 1;
    o.batch = 4;
    o.seed = 1;
    o.quiet = true;
    o.threads = 1;
    return o;
}

using melgrad::testing::contains;
using melgrad::testing::error_of;

// Rewrites a checkpoint with one metadata entry changed: the checksum is valid, the content hostile.
void edit_checkpoint(const fs::path& path, const std::string& key, const std::string& value) {
    Checkpoint ck = load_checkpoint(path.string());
    ck.metadata[key] = value;
    std::vector<NamedTensor> tensors;
    for (const auto& name : ck.names) tensors.push_back({name, &ck.tensors.at(name)});
    save_checkpoint(path.string(), ck.metadata, tensors);
}

}  // namespace

TEST_CASE("hostile runs: eval refuses a dataset whose genres are not the model's outputs") {
    Scratch s("eval");
    const std::string data10 = make_dataset(s.dir / "d10.mgd", 10), model = make_model(s.dir / "m.txt", 10);
    gtzan::train(options(data10, model, s.dir / "run"));
    gtzan::EvalOptions e;
    e.run = (s.dir / "run").string();
    e.device = "cpu";
    e.threads = 1;
    for (int genres : {5, 12}) {  // 5: heap overflow write in predict_chunks; 12: out-of-bounds argmax, exit 0
        e.data = make_dataset(s.dir / ("d" + std::to_string(genres) + ".mgd"), genres);
        const std::string msg = error_of([&] { gtzan::evaluate_run(e); });
        CAPTURE(msg);
        CHECK(contains(msg,
                       "the model has (10,) outputs but " + e.data + " lists " + std::to_string(genres) + " genres"));
    }
    e.data = data10;
    CHECK_NOTHROW(gtzan::evaluate_run(e));
}

TEST_CASE("hostile runs: --resume checks the checkpoint's counters against the run, and refuses changed settings") {
    Scratch s("resume");
    const std::string data = make_dataset(s.dir / "d.mgd", 10), model = make_model(s.dir / "m.txt", 10);
    gtzan::TrainOptions o = options(data, model, s.dir / "run");
    o.epochs = 2;
    o.interrupt_after_batches = 2;  // stops as Ctrl-C does: last.ckpt mid-epoch
    REQUIRE(gtzan::train(o).interrupted);
    o.interrupt_after_batches = 0;
    o.resume = true;
    const fs::path last = s.dir / "run" / "last.ckpt";
    const fs::path saved = s.dir / "saved.ckpt";
    fs::copy_file(last, saved);
    auto resume_error = [&](const std::string& key, const std::string& value) {
        fs::copy_file(saved, last, fs::copy_options::overwrite_existing);
        edit_checkpoint(last, key, value);
        return error_of([&] { gtzan::train(o); });
    };
    CHECK(contains(resume_error("batch_in_epoch", "-5"), "'batch_in_epoch' = '-5' is out of range"));
    CHECK(contains(resume_error("batch_in_epoch", "1000"), "'batch_in_epoch' = 1000 but an epoch of this run has"));
    CHECK(contains(resume_error("partial_seen", "1000"), "'partial_seen' = 1000 does not fit 2 batches of at most 4"));
    CHECK(contains(resume_error("epochs_done", "-3"), "'epochs_done' = '-3' is out of range"));
    fs::copy_file(saved, last, fs::copy_options::overwrite_existing);
    gtzan::TrainOptions changed = o;
    changed.lr = 0.5;  // was silently ignored (the saved schedule won)
    CHECK(contains(error_of([&] { gtzan::train(changed); }), "cannot resume: 'lr' is '0.5' here but '0.001' in the checkpoint"));
    changed = o;
    changed.weight_decay = 0.1;  // was silently applied
    CHECK(contains(error_of([&] { gtzan::train(changed); }), "cannot resume: 'weight_decay' is '0.1' here but '0'"));
    changed = o;
    changed.optimizer = "sgd";  // was "has no optimizer tensor 'momentum_buffer...'": named as the optimizer now
    CHECK(contains(error_of([&] { gtzan::train(changed); }),
                   "last.ckpt: cannot resume: checkpoint was saved with optimizer Adam, this run uses SGD"));
    make_dataset(data, 10, -1, "built from other inputs");  // the same path, another dataset: was resumed silently
    CHECK(contains(error_of([&] { gtzan::train(o); }),
                   "cannot resume: 'data.fingerprint' is 'built from other inputs' here but '(none)' in the checkpoint"));
    make_dataset(data, 10);
    changed = o;
    changed.data = (fs::path(data).parent_path() / "." / fs::path(data).filename()).string();  // the same file
    CHECK_NOTHROW(gtzan::train(changed));
    // the metrics.csv header survives every refused resume, and the untouched resume still works
    std::ifstream m(s.dir / "run" / "metrics.csv");
    std::string header;
    std::getline(m, header);
    CHECK(header == "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds");
    CHECK(gtzan::train(o).epochs_done == 2);
    // Without --resume, a folder that holds a run is refused, not overwritten (last.ckpt kept byte for byte).
    const std::string before = melgrad::testing::read_text(s.dir / "run" / "last.ckpt");
    gtzan::TrainOptions fresh = o;
    fresh.resume = false;
    CHECK(contains(error_of([&] { gtzan::train(fresh); }), "already holds a run (last.ckpt): give --resume"));
    CHECK(melgrad::testing::read_text(s.dir / "run" / "last.ckpt") == before);
    CHECK(contains(melgrad::testing::read_text(s.dir / "run" / "settings.txt"), "ranks=1\nsync_bn=0\nbucket_mb=1\n"));
}

TEST_CASE("hostile runs: stale .tmp files of a killed write are removed when train starts") {
    Scratch s("tmp");
    const std::string data = make_dataset(s.dir / "d.mgd", 10), model = make_model(s.dir / "m.txt", 10);
    fs::create_directories(s.dir / "run");
    std::ofstream(s.dir / "run" / "last.ckpt.tmp") << "half a checkpoint";
    std::ofstream(s.dir / "run" / "notes.tmp") << "not ours";
    gtzan::train(options(data, model, s.dir / "run"));
    CHECK(!fs::exists(s.dir / "run" / "last.ckpt.tmp"));
    CHECK(fs::exists(s.dir / "run" / "notes.tmp"));  // only the files train writes
}

TEST_CASE("hostile runs: NaN in a dataset or in a checkpoint's weights is an error naming where") {
    Scratch s("nan");
    const std::string bad = make_dataset(s.dir / "nan.mgd", 10, 64 * 5 + 3 * 8 + 2);
    CHECK(contains(error_of([&] { gtzan::DatasetFile d(bad); }),
                   "chunk 5 (clip blues/blues.00002.wav) holds a non-finite value (nan at mel band 3, frame 2)"));
    const std::string data = make_dataset(s.dir / "d.mgd", 10), model = make_model(s.dir / "m.txt", 10);
    gtzan::train(options(data, model, s.dir / "run"));
    const fs::path ckpt = s.dir / "run" / "model.ckpt";
    Checkpoint ck = load_checkpoint(ckpt.string());
    ck.tensors.at(ck.names[0]).data()[3] = std::numeric_limits<float>::quiet_NaN();
    std::vector<NamedTensor> tensors;
    for (const auto& name : ck.names) tensors.push_back({name, &ck.tensors.at(name)});
    save_checkpoint(ckpt.string(), ck.metadata, tensors);
    CHECK(contains(error_of([&] { load_checkpoint(ckpt.string()); }), "tensor '" + ck.names[0] + "' holds nan at index 3"));
}

TEST_CASE("hostile runs: a dataset header whose counts exceed the file is refused before allocating") {
    Scratch s("counts");
    const std::string data = make_dataset(s.dir / "d.mgd", 10);
    std::string bytes;
    {
        std::ifstream in(data, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    const uint32_t huge = 0xFFFFFFFFu;
    std::memcpy(&bytes[12], &huge, 4);  // n_clips (the checksum is not even reached)
    write_file_atomically(data, bytes);
    CHECK(contains(error_of([&] { gtzan::DatasetFile d(data, false); }), "the header claims 4294967295 clips"));
}

TEST_CASE("hostile runs: checkpoint metadata is validated field by field, naming the field and the file") {
    Scratch s("meta");
    const std::string data = make_dataset(s.dir / "d.mgd", 10), model = make_model(s.dir / "m.txt", 10);
    gtzan::train(options(data, model, s.dir / "run"));
    const fs::path ckpt = s.dir / "run" / "model.ckpt", copy = s.dir / "copy.ckpt";
    auto predictor_error = [&](const std::string& key, const std::string& value) {
        fs::copy_file(ckpt, copy, fs::copy_options::overwrite_existing);
        edit_checkpoint(copy, key, value);
        return error_of([&] { gtzan::GenrePredictor p(copy.string()); });
    };
    CHECK(contains(predictor_error("data.n_mels", "abc"), copy.string() + ": 'data.n_mels' = 'abc' is not a whole number"));
    CHECK(contains(predictor_error("data.chunk_frames", "100000000"), "data.chunk_frames = 100000000 is outside 1..65536"));
    CHECK(contains(predictor_error("data.sample_rate", "99999999999"), "'data.sample_rate' = '99999999999' is not a whole number"));
    CHECK(contains(predictor_error("data.n_mels", "4"), "the model takes (1, 8, 8) but the features (data.n_mels 4"));
    edit_checkpoint(ckpt, "epoch", "x1");
    gtzan::EvalOptions e;
    e.run = (s.dir / "run").string();
    e.device = "cpu";
    CHECK(contains(error_of([&] { gtzan::evaluate_run(e); }), "metadata 'epoch' = 'x1' is not a whole number"));
}

TEST_CASE("hostile runs: train refuses a dataset header that predict could not read") {
    Scratch s("header");
    gtzan::DatasetContents c;
    c.n_mels = c.chunk_frames = 8;
    c.header = {{"n_mels", "abc"}};
    c.genres = {"blues"};
    c.clips = {{0, "blues/a.wav", 0, 1}};
    c.chunks = {{0, 0}};
    c.data.assign(64, 0.5f);
    gtzan::write_dataset((s.dir / "d.mgd").string(), c);
    const std::string model = make_model(s.dir / "m.txt", 1);
    CHECK(contains(error_of([&] { gtzan::train(options((s.dir / "d.mgd").string(), model, s.dir / "run")); }),
                   "d.mgd: 'n_mels' = 'abc' is not a whole number"));
}

TEST_CASE("hostile CLI: numbers never wrap, stray arguments and negative counts are usage errors") {
    auto run = [](std::vector<std::string> argv) {
        std::fflush(stderr);
        return cli::run_command(argv);
    };
    CHECK(run({"train", "--data", "x.mgd", "--out", "r", "--epochs", "4294967297"}) == 2);
    CHECK(run({"train", "--data", "x.mgd", "--out", "r", "--batch", "4294967328"}) == 2);
    CHECK(run({"train", "--data", "x.mgd", "--out", "r", "--max-batches", "-5"}) == 2);
    CHECK(run({"train", "--data", "x.mgd", "--out", "r", "stray"}) == 2);
    CHECK(run({"mel", "in.wav", "-o", "o.npy", "--fmin", "nan"}) == 2);
    CHECK(run({"mel", "in.wav", "-o", "o.npy", "--threads", "100000"}) == 2);
    CHECK(run({"filterbank", "--sr", "2147483648"}) == 2);
}

TEST_CASE("hostile runs: a loss that stops being finite stops training with the epoch and batch named") {
    Scratch s("diverge");
    const std::string data = make_dataset(s.dir / "d.mgd", 10), model = make_model(s.dir / "m.txt", 10);
    gtzan::TrainOptions o = options(data, model, s.dir / "run");
    o.optimizer = "sgd";
    o.lr = 1e38;  // diverges within a few steps (trained with exit 0 and NaN metrics before)
    o.epochs = 5;
    const std::string msg = error_of([&] { gtzan::train(o); });
    CAPTURE(msg);
    CHECK(contains(msg, ": the loss is "));
    CHECK(contains(msg, "(non-finite weights or features)"));
}
