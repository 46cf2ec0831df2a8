#include "experiments/gtzan/eval_report.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/evaluate.h"
#include "experiments/gtzan/splits.h"
#include "framework/backend.h"
#include "framework/checkpoint.h"
#include "framework/device_choice.h"
#include "framework/model_text.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {

std::string evaluate_run(const EvalOptions& o) {
    set_num_threads(o.threads);
    fs::path run(o.run);
    fs::path ckpt_path = run / "model.ckpt";
    if (!fs::exists(ckpt_path)) throw std::runtime_error(ckpt_path.string() + ": no such checkpoint (train first)");
    Checkpoint ck = load_checkpoint(ckpt_path.string());
    std::string data_path = o.data.empty() ? ck.meta("data") : o.data;
    DatasetFile data(data_path);
    BuiltModel built = build_model(ck.meta("model_text"), ckpt_path.string() + " (model_text)");
    std::vector<NamedTensor> state = built.model->state();
    restore_into(ck, state, "");
    Device device = choose_device(o.device, false);
    built.model->to(device);
    std::string split_name = ck.meta("split");
    Split split = make_split(data, split_name, std::stoull(ck.meta("seed")));

    struct Part { const char* name; const std::vector<int>* chunks; const char* paper; };
    Part parts[3] = {{"train", &split.train, "96%"}, {"validation", &split.val, "-"}, {"test", &split.test, "82%"}};
    char line[256];
    std::string out;
    std::snprintf(line, sizeof line, "melgrad eval %s — model %s, epoch %s, %s\n", o.run.c_str(),
                  ck.meta("model_name").c_str(), ck.meta("epoch").c_str(), describe_split(split).c_str());
    out += line;
    out += data.synthetic() ? "data: SYNTHETIC GTZAN-shaped stand-in (melgrad synth-gtzan) — not GTZAN results\n"
                            : "data: " + data_path + "\n";
    std::snprintf(line, sizeof line, "  %-11s %10s %10s %10s %8s   %s\n", "part", "chunks", "chunk acc", "clip acc",
                  "loss", "paper (chunk acc)");
    out += line;
    ChunkPredictions test;
    std::string machine_lines;  // key: value lines for the report page
    for (auto& p : parts) {
        ChunkPredictions pred = predict_chunks(*built.model, data, *p.chunks, device);
        Confusion clips = clip_confusion(data, pred);
        std::snprintf(line, sizeof line, "  %-11s %10zu %9.1f%% %9.1f%% %8.3f   %s\n", p.name, p.chunks->size(),
                      100 * pred.confusion.accuracy(), 100 * clips.accuracy(), pred.mean_loss, p.paper);
        out += line;
        if (std::string(p.name) == "train") {
            std::snprintf(line, sizeof line, "train_accuracy: %.2f%%\n", 100 * pred.confusion.accuracy());
            machine_lines += line;
        }
        if (std::string(p.name) == "test") {
            std::snprintf(line, sizeof line, "test_accuracy: %.2f%%\ntest_clip_accuracy: %.2f%%\n",
                          100 * pred.confusion.accuracy(), 100 * clips.accuracy());
            machine_lines += line;
            test = std::move(pred);
        }
    }
    if (split_name == "paper")
        out += "  note: the paper split shuffles chunks, so test chunks have neighbours from the same clip in training\n";
    out += "test, chunk level, per genre:\n" + per_class_table(test.confusion, data.genres());
    write_confusion_csv((run / "confusion.csv").string(), test.confusion, data.genres());
    write_confusion_csv((run / "confusion_clip.csv").string(), clip_confusion(data, test), data.genres());
    {
        std::ofstream f(run / "per_genre.csv");
        f << "genre,precision,recall,f1\n";
        for (int c = 0; c < test.confusion.n; c++)
            f << data.genres()[c] << "," << test.confusion.precision(c) << "," << test.confusion.recall(c) << ","
              << test.confusion.f1(c) << "\n";
    }
    std::ofstream(run / "eval.txt") << out << machine_lines;
    return out;
}

}  // namespace melgrad::gtzan
