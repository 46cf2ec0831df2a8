#include "experiments/gtzan/eval_report.h"

#include <climits>
#include <filesystem>
#include <stdexcept>

#include "experiments/gtzan/class_names.h"
#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/eval_file.h"
#include "experiments/gtzan/evaluate.h"
#include "experiments/gtzan/features.h"
#include "experiments/gtzan/splits.h"
#include "framework/atomic_file.h"
#include "framework/backend.h"
#include "framework/checkpoint.h"
#include "framework/device_choice.h"
#include "framework/model_text.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {
namespace {

PartScores score_part(const std::string& name, const ChunkPredictions& pred, const Confusion& clips) {
    PartScores p;
    p.name = name;
    p.chunks = static_cast<long>(pred.chunks.size());
    p.clips = clips.total();
    p.chunk_accuracy = pred.confusion.accuracy();
    p.clip_accuracy = clips.accuracy();
    p.loss = pred.mean_loss;
    return p;
}

// The test part's confusion matrices and per-genre scores, as CSV files beside eval.json.
void write_test_csvs(const fs::path& run, const DatasetFile& data, const ChunkPredictions& test,
                     const EvalResults& r) {
    write_confusion_csv((run / "confusion.csv").string(), test.confusion, data.genres());
    write_confusion_csv((run / "confusion_clip.csv").string(), clip_confusion(data, test), data.genres());
    write_file_atomically((run / "per_genre.csv").string(), per_genre_csv_text(r.test_per_genre));
}

// The model's outputs are the checkpoint's genres, in its order; a dataset with other genres (another count:
// out-of-bounds writes; another order: wrong accuracies) or other chunk sizes cannot be scored with it.
void check_model_fits_eval_data(const BuiltModel& built, const DatasetFile& data, const Checkpoint& ck) {
    check_model_fits_chunks(built.input_shape, built.output_shape, data.n_mels(), data.chunk_frames(),
                            data.genres().size(), ck.path, data.path());
    const std::string genres = join_class_names(data.genres());
    if (ck.metadata.count("genres") && ck.meta("genres") != genres)
        throw std::runtime_error(ck.path + ": trained on genres '" + ck.meta("genres") + "' but " + data.path() +
                                 " lists '" + genres + "'");
}

}  // namespace

EvalResults evaluate_run(const EvalOptions& o) {
    set_num_threads(o.threads);
    fs::path run(o.run);
    fs::path ckpt_path = run / "model.ckpt";
    if (!fs::exists(ckpt_path)) throw std::runtime_error(ckpt_path.string() + ": no such checkpoint (train first)");
    Checkpoint ck = load_checkpoint(ckpt_path.string());
    EvalResults r;
    r.run = o.run;
    r.data = o.data.empty() ? ck.meta("data") : o.data;
    r.model = ck.meta("model_name");
    r.epoch = (int)ck.meta_whole("epoch", 0, 1000000);
    r.split = ck.meta("split");
    DatasetFile data(r.data);
    r.synthetic = data.synthetic();
    r.layout = data.header_value("layout", "gtzan");
    BuiltModel built = build_model(ck.meta("model_text"), ckpt_path.string() + " (model_text)", 0,
                                   (int)checkpoint_class_names(ck).size());
    check_model_fits_eval_data(built, data, ck);
    std::vector<NamedTensor> state = built.model->state();
    restore_into(ck, state, "");
    Device device = choose_device(o.device, false);
    built.model->to(device);
    Split split = make_split(data, r.split, (uint64_t)ck.meta_whole("seed", 0, LLONG_MAX));
    r.split_description = describe_split(split);

    const std::pair<const char*, const std::vector<int>*> parts[] = {
        {"train", &split.train}, {"validation", &split.val}, {"test", &split.test}};
    ChunkPredictions test;
    for (const auto& [name, chunks] : parts) {
        ChunkPredictions pred = predict_chunks(*built.model, data, *chunks, device);
        r.parts.push_back(score_part(name, pred, clip_confusion(data, pred)));
        if (r.parts.back().name == "test") test = std::move(pred);
    }
    r.test_per_genre = genre_scores(test.confusion, data.genres());
    write_eval_files(o.run, r);
    write_test_csvs(run, data, test, r);
    return r;
}

}  // namespace melgrad::gtzan
