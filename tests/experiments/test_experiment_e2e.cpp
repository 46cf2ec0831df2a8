// The experiment end to end on a tiny synthetic set: preprocess -> train (2 epochs) -> eval -> predict,
// every file written, the loss falls, and --resume (after an epoch, or mid-epoch after Ctrl-C) ends exactly
// where a straight run ends.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audio/wav_write.h"
#include "experiments/figures/report.h"
#include "experiments/gtzan/eval_file.h"
#include "experiments/gtzan/eval_report.h"
#include "experiments/gtzan/predict.h"
#include "experiments/gtzan/preprocess.h"
#include "experiments/gtzan/scan.h"
#include "experiments/gtzan/train.h"
#include "experiments/gtzan/train_state.h"
#include "experiments/synth/synth_gtzan.h"

using namespace melgrad;
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// A small synthetic GTZAN tree: `clips` clips per genre, `seconds` long, Kaggle layout.
fs::path make_tree(const std::string& name, int clips, double seconds, uint64_t seed = 7) {
    fs::path root = fs::temp_directory_path() / ("melgrad_e2e_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(root);
    const auto& genres = synth::gtzan_genres();
    for (int g = 0; g < 10; g++) {
        fs::create_directories(root / "genres_original" / genres[g]);
        for (int i = 0; i < clips; i++) {
            char file[64];
            std::snprintf(file, sizeof file, "%s.%05d.wav", genres[g].c_str(), i);
            audio::write_wav_pcm16((root / "genres_original" / genres[g] / file).string(),
                                   synth::synthesize_clip(g, i, seed, seconds, 22050), 22050);
        }
    }
    std::ofstream(root / "SYNTHETIC.txt") << "synthetic test data\n";
    return root;
}

gtzan::TrainOptions options(const fs::path& data, const fs::path& out) {
    gtzan::TrainOptions o;
    o.data = data.string();
    o.out = out.string();
    o.model = "tiny-cnn";
    o.split = "clip";
    o.device = "cpu";
    o.epochs = 2;
    o.batch = 16;
    o.lr = 3e-3;
    o.seed = 3;
    o.quiet = true;
    return o;
}

// metrics.csv without its last column (wall time, which differs from run to run).
std::string without_seconds(const std::string& csv_text) {
    std::istringstream in(csv_text);
    std::string l, out;
    while (std::getline(in, l)) out += l.substr(0, l.rfind(',')) + "\n";
    return out;
}

// Preprocesses the tree under root into root/data.mgd (100 clips of one chunk each), and checks the result.
fs::path preprocess_tiny_tree(const fs::path& root) {
    fs::path data = root / "data.mgd";
    gtzan::PreprocessOptions po;
    po.dir = root.string();
    po.out = data.string();
    po.quiet = true;
    gtzan::PreprocessResult pr = gtzan::preprocess(po);
    CHECK(pr.clips_used == 100);
    CHECK(pr.chunks == 100);
    CHECK(pr.synthetic);
    CHECK(pr.failed.empty());
    CHECK(gtzan::preprocess(po).reused);  // same inputs and settings: the file is reused
    return data;
}

// The loss falls: a longer run on the same data ends lower than its first epoch.
void check_loss_falls(const fs::path& data, const fs::path& root) {
    gtzan::TrainOptions longer = options(data, root / "longer");
    longer.epochs = 6;
    gtzan::train(longer);
    std::istringstream csv(read_all(root / "longer" / "metrics.csv"));
    std::string line;
    std::vector<double> losses;
    std::getline(csv, line);  // header
    while (std::getline(csv, line)) losses.push_back(std::stod(line.substr(line.find(',') + 1)));
    REQUIRE(losses.size() == 6);
    CHECK(losses.back() < losses.front() * 0.9);

}

// One epoch, then --resume to two: the same final metrics as the straight run, to the last digit.
void check_resume_between_epochs(const fs::path& data, const fs::path& root, const fs::path& straight,
                                 const gtzan::TrainResult& a) {
    fs::path resumed = root / "resumed";
    gtzan::TrainOptions first = options(data, resumed);
    first.epochs = 1;
    gtzan::train(first);
    gtzan::TrainOptions second = options(data, resumed);
    second.resume = true;
    gtzan::TrainResult b = gtzan::train(second);
    CHECK(b.epochs_done == 2);
    CHECK(without_seconds(read_all(resumed / "metrics.csv")) == without_seconds(read_all(straight / "metrics.csv")));
    CHECK(b.final_val_loss == a.final_val_loss);

}

// Stopped mid-epoch twice (as Ctrl-C stops it: 70 training chunks = 5 batches of 16 per epoch), then
// resumed to the end: the same checkpoints as the straight run, byte for byte, and the same metrics.
void check_resume_mid_epoch(const fs::path& data, const fs::path& root, const fs::path& straight,
                            const gtzan::TrainResult& a) {
    fs::path stopped = root / "stopped";
    gtzan::TrainOptions stop = options(data, stopped);
    stop.interrupt_after_batches = 3;  // epoch 1, batch 3
    gtzan::TrainResult s1 = gtzan::train(stop);
    CHECK(s1.interrupted);
    CHECK(s1.epochs_done == 0);
    gtzan::TrainState at = gtzan::read_train_state(load_checkpoint((stopped / "last.ckpt").string()));
    CHECK(at.epochs_done == 0);
    CHECK(at.epoch.batches_done == 3);
    CHECK(at.epoch.seen == 48);
    stop.resume = true;
    stop.interrupt_after_batches = 4;  // the last 2 batches of epoch 1, then epoch 2's first 2
    gtzan::TrainResult s2 = gtzan::train(stop);
    CHECK(s2.interrupted);
    CHECK(s2.epochs_done == 1);
    CHECK(gtzan::read_train_state(load_checkpoint((stopped / "last.ckpt").string())).epoch.batches_done == 2);
    stop.interrupt_after_batches = 0;
    gtzan::TrainResult s3 = gtzan::train(stop);
    CHECK_FALSE(s3.interrupted);
    CHECK(s3.epochs_done == 2);
    CHECK(s3.best_epoch == a.best_epoch);
    CHECK(s3.final_val_loss == a.final_val_loss);
    for (const char* f : {"last.ckpt", "model.ckpt", "model.txt", "settings.txt"})
        CHECK_MESSAGE(read_all(stopped / f) == read_all(straight / f), f);
    CHECK(without_seconds(read_all(stopped / "metrics.csv")) == without_seconds(read_all(straight / "metrics.csv")));

}

// Evaluation writes its files and names the data as synthetic; eval.json holds what evaluate_run measured,
// and eval.txt, the table and the report page are generated from it.
void check_eval_files(const fs::path& straight) {
    gtzan::EvalOptions eo;
    eo.run = straight.string();
    eo.device = "cpu";
    const gtzan::EvalResults results = gtzan::evaluate_run(eo);
    const std::string table = gtzan::eval_table_text(results);
    CHECK(table.find("SYNTHETIC") != std::string::npos);
    for (const char* f : {"eval.json", "eval.txt", "confusion.csv", "confusion_clip.csv", "per_genre.csv"})
        CHECK_MESSAGE(fs::exists(straight / f), f);
    // eval.json holds what evaluate_run measured; eval.txt and the table are generated from it.
    const gtzan::EvalResults saved = gtzan::read_eval_json((straight / "eval.json").string());
    CHECK(gtzan::eval_json_text(saved) == gtzan::eval_json_text(results));
    CHECK(read_all(straight / "eval.txt") == gtzan::eval_table_text(saved));
    REQUIRE(saved.parts.size() == 3);
    CHECK(saved.parts[0].name == "train");
    CHECK(saved.parts[2].name == "test");
    CHECK(saved.synthetic);
    CHECK(saved.epoch >= 1);
    long chunks = 0, clips = 0;
    for (const auto& part : saved.parts) chunks += part.chunks, clips += part.clips;
    CHECK(chunks == 100);  // every chunk in one part
    CHECK(clips == 100);   // one chunk per clip here
    REQUIRE(saved.test_per_genre.size() == 10);
    long support = 0;
    for (const auto& g : saved.test_per_genre) support += g.support;
    CHECK(support == saved.part("test")->chunks);
    CHECK(read_all(straight / "per_genre.csv") == gtzan::per_genre_csv_text(saved.test_per_genre));
    // The report page reads its test and train accuracy from eval.json.
    const std::string html = figures::build_report_html(straight.string());
    char test_pct[32], train_pct[32];
    std::snprintf(test_pct, sizeof test_pct, "<td>%.1f%%</td>", 100 * saved.part("test")->chunk_accuracy);
    std::snprintf(train_pct, sizeof train_pct, "<td>%.1f%%</td>", 100 * saved.part("train")->chunk_accuracy);
    CHECK(html.find(std::string("test accuracy (chunks)</td>") + test_pct) != std::string::npos);
    CHECK(html.find(std::string("dropout off)</td>") + train_pct) != std::string::npos);
    CHECK(html.find(figures::html_escape(gtzan::eval_table_text(saved))) != std::string::npos);

}

// Prediction: probabilities over the ten genres that sum to 1, one row per chunk.
void check_predict(const fs::path& straight, const fs::path& root) {
    gtzan::GenrePredictor predictor((straight / "model.ckpt").string());
    auto p = predictor.predict_file((root / "genres_original/metal/metal.00001.wav").string());
    CHECK(p.chunk_probs.size() == 1);
    double sum = 0;
    for (float v : p.probs) sum += v;
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-4));
    CHECK(predictor.trained_on_synthetic());
    const std::string one_second = (root / "short.wav").string();
    audio::write_wav_pcm16(one_second, std::vector<float>(22050, 0.1f), 22050);
    CHECK_THROWS_WITH(predictor.predict_file(one_second), doctest::Contains((one_second + ": too short").c_str()));
}

}  // namespace

TEST_CASE("experiment: preprocess, train, resume, eval, predict on a tiny synthetic set") {
    fs::path root = make_tree("run", 10, 3.1);  // 3.1 s -> 1 chunk per clip, 100 chunks in all
    const fs::path data = preprocess_tiny_tree(root);

    // A straight two-epoch run: the reference for the checks that follow.
    fs::path straight = root / "straight";
    gtzan::TrainResult a = gtzan::train(options(data, straight));
    CHECK(a.epochs_done == 2);
    for (const char* f : {"metrics.csv", "settings.txt", "model.txt", "last.ckpt", "model.ckpt"})
        CHECK_MESSAGE(fs::exists(straight / f), f);
    CHECK(read_all(straight / "settings.txt").rfind("provenance=synthetic", 0) == 0);

    check_loss_falls(data, root);
    check_resume_between_epochs(data, root, straight, a);
    check_resume_mid_epoch(data, root, straight, a);
    check_eval_files(straight);
    check_predict(straight, root);
    fs::remove_all(root);
}

TEST_CASE("experiment: a fake GTZAN tree with a corrupt file, a missing genre and an .au file") {
    fs::path root = make_tree("faults", 1, 3.5);
    fs::remove_all(root / "genres_original" / "rock");                                  // a missing genre
    std::ofstream(root / "genres_original/jazz/jazz.00054.wav") << "RIFF\x10\0\0\0WAVEjunk";  // a corrupt file
    {   // an .au file (Sun audio: big-endian header, 16-bit linear PCM, mono, 22050 Hz)
        std::ofstream au(root / "genres_original/blues/blues.00001.au", std::ios::binary);
        auto be32 = [&](uint32_t v) { for (int s = 24; s >= 0; s -= 8) au.put((char)(v >> s)); };
        const int n = 22050 * 4;
        au.write(".snd", 4);
        be32(24); be32(n * 2); be32(3); be32(22050); be32(1);
        auto clip = synth::synthesize_clip(0, 1, 7, 4.0, 22050);
        for (int i = 0; i < n; i++) {
            int16_t v = (int16_t)(clip[i] * 20000);
            au.put((char)(v >> 8));
            au.put((char)(v & 0xff));
        }
    }
    gtzan::DatasetScan scan = gtzan::scan_gtzan(root.string());
    CHECK(scan.per_class[9] == 0);
    CHECK(scan.per_class[0] == 2);
    std::string report = gtzan::describe_scan(scan);
    CHECK(report.find("rock") != std::string::npos);
    CHECK(report.find("genre folder missing") != std::string::npos);

    gtzan::PreprocessOptions po;
    po.dir = root.string();
    po.out = (root / "d.mgd").string();
    po.quiet = true;
    gtzan::PreprocessResult r = gtzan::preprocess(po);
    REQUIRE(r.failed.size() == 1);
    CHECK(r.failed[0].find("jazz.00054.wav") != std::string::npos);
    CHECK(r.clips_used == 10);  // 9 genres x 1 clip + the .au, without the corrupt file
    fs::remove_all(root);
}

TEST_CASE("experiment: the synthetic styles are learnable: a tiny CNN beats chance clearly in seconds") {
    fs::path root = make_tree("learn", 6, 6.2, 11);  // 6 clips x 2 chunks per genre
    gtzan::PreprocessOptions po;
    po.dir = root.string();
    po.out = (root / "d.mgd").string();
    po.quiet = true;
    gtzan::preprocess(po);
    gtzan::TrainOptions o = options(po.out, root / "run");
    o.epochs = 30;
    o.seed = 1;
    gtzan::train(o);
    // The best checkpoint on clips it never trained on (the clip split's test part); chance is 10 %.
    gtzan::EvalOptions eo;
    eo.run = (root / "run").string();
    eo.device = "cpu";
    gtzan::evaluate_run(eo);
    const gtzan::EvalResults eval = gtzan::read_eval_json((root / "run" / "eval.json").string());
    REQUIRE(eval.part("test") != nullptr);
    const double test_acc = 100 * eval.part("test")->chunk_accuracy;
    MESSAGE("tiny-cnn held-out test accuracy on synthetic data: " << test_acc << "% (chance 10%)");
    CHECK(test_acc >= 30.0);
    fs::remove_all(root);
}
