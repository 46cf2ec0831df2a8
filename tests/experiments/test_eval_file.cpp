// melgrad eval's results as data: runs/NAME/eval.json round-trips to the same numbers, the printed table is
// generated from them (the paper's figures from experiments/paper.h), and a damaged file is refused with
// an error that names it. Written atomically: no temporary file is left behind, a failed write names the path.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "framework/atomic_file.h"
#include "experiments/gtzan/eval_file.h"
#include "experiments/paper.h"
#include "tests/experiments/figures_test_util.h"

using namespace melgrad;
using namespace melgrad::gtzan;
namespace fs = std::filesystem;

namespace {

EvalResults sample_results() {
    EvalResults r;
    r.run = "runs/\"odd\" name";
    r.model = "paper-cnn";
    r.epoch = 12;
    r.split = "paper";
    r.split_description = "split paper: train 1400 / val 200 / test 400 chunks (chunks shuffled — leaky)";
    r.data = "data/syn.mgd";
    r.synthetic = false;
    r.parts = {{"train", 1400, 200, 0.6521428571428571, 0.67, 1.2182719353267124},
               {"validation", 200, 139, 0.615, 0.6115107913669064, NAN},
               {"test", 400, 183, 0.66, 0.6502732240437158, 1.2440529704093932}};
    r.test_per_genre = {{"blues", 0.5789473684210527, 0.5945945945945946, 0.5866666666666667, 37},
                        {"metal", 0.7169811320754716, 1.0, 0.8351648351648352, 38}};
    return r;
}

std::string error_of(const std::string& text) {
    try {
        parse_eval_json(text, "runs/x/eval.json");
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

std::string read_all(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

TEST_CASE("paper: the reference figures are the paper's 96 % train and 82 % test chunk accuracy") {
    CHECK(kPaper.train_accuracy == 96.0);
    CHECK(kPaper.test_accuracy == 82.0);
    CHECK(paper_percent(kPaper.train_accuracy) == "96%");
    CHECK(paper_percent(kPaper.test_accuracy) == "82%");
}

TEST_CASE("eval file: eval.json round-trips every number exactly (a NaN loss as null)") {
    const EvalResults r = sample_results();
    const std::string text = eval_json_text(r);
    CHECK(text.find("\"loss\": null") != std::string::npos);
    const EvalResults back = parse_eval_json(text, "eval.json");
    CHECK(back.run == r.run);
    CHECK(back.model == r.model);
    CHECK(back.epoch == 12);
    CHECK(back.split == "paper");
    CHECK(back.split_description == r.split_description);
    CHECK(back.data == r.data);
    CHECK(!back.synthetic);
    REQUIRE(back.parts.size() == 3);
    for (size_t i = 0; i < 3; i++) {
        CHECK(back.parts[i].name == r.parts[i].name);
        CHECK(back.parts[i].chunks == r.parts[i].chunks);
        CHECK(back.parts[i].clips == r.parts[i].clips);
        CHECK(back.parts[i].chunk_accuracy == r.parts[i].chunk_accuracy);  // bit for bit, not approximately
        CHECK(back.parts[i].clip_accuracy == r.parts[i].clip_accuracy);
    }
    CHECK(back.parts[0].loss == r.parts[0].loss);
    CHECK(std::isnan(back.parts[1].loss));
    REQUIRE(back.test_per_genre.size() == 2);
    CHECK(back.test_per_genre[1].genre == "metal");
    CHECK(back.test_per_genre[1].precision == r.test_per_genre[1].precision);
    CHECK(back.test_per_genre[1].f1 == r.test_per_genre[1].f1);
    CHECK(back.test_per_genre[1].support == 38);
    CHECK(eval_json_text(back) == text);
    CHECK(eval_table_text(back) == eval_table_text(r));
    CHECK(back.part("test") == &back.parts[2]);
    CHECK(back.part("dev") == nullptr);
}

TEST_CASE("eval file: the printed table is generated from the results, the paper's figures beside them") {
    EvalResults r = sample_results();
    r.parts[1].loss = 1.2666482543945312;
    CHECK(eval_table_text(r) ==
          "melgrad eval runs/\"odd\" name — model paper-cnn, epoch 12, split paper: train 1400 / val 200 / test 400 "
          "chunks (chunks shuffled — leaky)\n"
          "data: data/syn.mgd\n"
          "  part            chunks  chunk acc   clip acc     loss   paper (chunk acc)\n"
          "  train             1400      65.2%      67.0%    1.218   96%\n"
          "  validation         200      61.5%      61.2%    1.267   -\n"
          "  test               400      66.0%      65.0%    1.244   82%\n"
          "  note: the paper split shuffles chunks, so test chunks have neighbours from the same clip in training\n"
          "  clip acc votes over the chunks a part holds of each clip: test holds 400 chunks of 183 clips\n"
          "test, chunk level, per genre:\n"
          "  genre      precision    recall        F1  support\n"
          "  blues          0.579     0.595     0.587       37\n"
          "  metal          0.717     1.000     0.835       38\n");
    r.synthetic = true;
    r.split = "clip";
    const std::string synthetic = eval_table_text(r);
    CHECK(synthetic.find("data: SYNTHETIC GTZAN-shaped stand-in") != std::string::npos);
    CHECK(synthetic.find("note: the paper split") == std::string::npos);
    CHECK(per_genre_csv_text(r.test_per_genre) ==
          "genre,precision,recall,f1\nblues,0.578947,0.594595,0.586667\nmetal,0.716981,1,0.835165\n");
}

TEST_CASE("eval file: a malformed, truncated or mistyped eval.json is refused with an error naming it") {
    const std::string good = eval_json_text(sample_results());
    CHECK(error_of(good.substr(0, good.size() / 2)).find("runs/x/eval.json: the file ends early") == 0);
    CHECK(error_of("").find("runs/x/eval.json: the file ends early") == 0);
    CHECK(error_of("test_accuracy: 66.00%\n").find("runs/x/eval.json: line 1, column 1") == 0);  // an eval.txt
    CHECK(error_of("[]") == "runs/x/eval.json: the file should be an object {...}");
    std::string no_parts = good;
    no_parts.replace(no_parts.find("\"parts\""), 7, "\"party\"");
    CHECK(error_of(no_parts) == "runs/x/eval.json: no member \"parts\"");
    std::string bad_chunks = good;
    bad_chunks.replace(bad_chunks.find("\"chunks\": 1400"), 14, "\"chunks\": \"1400\"");
    CHECK(error_of(bad_chunks) == "runs/x/eval.json: \"parts[0].chunks\" should be a whole number");
    std::string fractional = good;
    fractional.replace(fractional.find("\"support\": 37"), 13, "\"support\": 3.5");
    CHECK(error_of(fractional) == "runs/x/eval.json: \"test_per_genre[0].support\" should be a whole number >= 0");
    std::string version = good;
    version.replace(version.find("\"version\": 1"), 12, "\"version\": 2");
    CHECK(error_of(version).find("runs/x/eval.json: version 2, this melgrad reads version 1") == 0);
    std::string format = good;
    format.replace(format.find("melgrad-eval"), 12, "something");
    CHECK(error_of(format).find("\"format\" is not melgrad-eval") != std::string::npos);
    CHECK_THROWS_WITH(read_eval_json("/nonexistent/eval.json"), doctest::Contains("/nonexistent/eval.json: cannot open the file"));
}

TEST_CASE("eval file: eval.json and eval.txt are written atomically, and read back") {
    figures::testing::ScratchDir dir("eval_file");
    const EvalResults r = sample_results();
    write_eval_files(dir.str(), r);
    CHECK(read_all(dir.path / "eval.json") == eval_json_text(r));
    CHECK(read_all(dir.path / "eval.txt") == eval_table_text(r));
    CHECK(eval_json_text(read_eval_json((dir.path / "eval.json").string())) == eval_json_text(r));
    for (const auto& e : fs::directory_iterator(dir.path)) CHECK(e.path().extension() != ".tmp");
    write_file_atomically((dir.path / "eval.txt").string(), "replaced\n");  // over an existing file
    CHECK(read_all(dir.path / "eval.txt") == "replaced\n");
    const std::string missing = (dir.path / "no_such_folder" / "eval.json").string();
    CHECK_THROWS_WITH(write_file_atomically(missing, "x"), doctest::Contains((missing + ": cannot write").c_str()));
    CHECK(!fs::exists(dir.path / "no_such_folder"));
}
