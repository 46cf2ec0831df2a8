// Tests of a run folder's files, figures and report page: metrics.csv / confusion.csv reading with clear
// errors, the report's provenance and embedded images, the commands, and the page opened in headless
// Chromium (tests/experiments/check_report.sh) with every image loaded.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>

#include "experiments/cli/command.h"
#include "experiments/figures/demo.h"
#include "experiments/figures/report.h"
#include "experiments/figures/run_figures.h"
#include "experiments/figures/run_files.h"
#include "experiments/gtzan/eval_file.h"
#include "experiments/paper.h"
#include "tests/experiments/figures_test_util.h"

namespace fs = std::filesystem;
using namespace melgrad::figures;
using namespace melgrad::figures::testing;

namespace {

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

// Runs `melgrad ARGS...` in-process with its output (and expected errors) silenced; only the status is
// checked. The silence ends before any CHECK, so doctest's own failure reports stay visible.
int quiet_command(const std::vector<std::string>& argv) {
    Silenced out(1), err(2);
    return melgrad::cli::run_command(argv);
}

// The part of the page between `from` and the next `to`.
std::string section(const std::string& html, const std::string& from, const std::string& to) {
    const size_t a = html.find(from);
    return a == std::string::npos ? "" : html.substr(a, html.find(to, a) - a);
}

bool have_chromium() {
    return std::system("command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || "
                       "command -v google-chrome >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("figures: metrics.csv is read by column name, bad files are named with their line") {
    ScratchDir dir("metrics");
    const fs::path m = dir.path / "metrics.csv";
    write(m, "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n1,2.1,0.3,2.2,0.25,0.001,40.5\n"
             "2,1.5,0.55,1.7,0.5,0.001,41\n");
    auto rows = read_metrics_csv(m.string());
    REQUIRE(rows.size() == 2);
    write(dir.path / "nan.csv", "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n1,2,0.3,nan,nan,0.1,4\n");
    CHECK(std::isnan(read_metrics_csv((dir.path / "nan.csv").string())[0].val_acc));  // no validation that epoch
    CHECK(rows[1].epoch == 2);
    CHECK(rows[1].val_acc == doctest::Approx(0.5));
    CHECK(rows[0].seconds == doctest::Approx(40.5));
    write(m, "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n1,2.1,abc,2.2,0.25,0.001,40\n");
    const std::string e1 = error_of([&] { read_metrics_csv(m.string()); });
    CHECK(e1.find("metrics.csv:2") != std::string::npos);
    CHECK(e1.find("train_acc") != std::string::npos);
    write(m, "epoch,loss\n1,2\n");
    CHECK(error_of([&] { read_metrics_csv(m.string()); }).find("no column 'train_loss'") != std::string::npos);
    CHECK(error_of([&] { read_metrics_csv((dir.path / "nope.csv").string()); }).find("cannot open") !=
          std::string::npos);
}

TEST_CASE("figures: confusion.csv is read with its genre names; malformed rows are refused") {
    ScratchDir dir("confusion");
    const fs::path c = dir.path / "confusion.csv";
    write(c, "blues,jazz\nblues,9,1\njazz,2,8\n");
    auto cm = read_confusion_csv(c.string());
    CHECK(cm.labels == std::vector<std::string>{"blues", "jazz"});
    CHECK(cm.counts[1][0] == 2);
    write(c, ",blues,jazz\nblues,9,1\njazz,2,8\n");  // a blank corner cell is allowed
    CHECK(read_confusion_csv(c.string()).labels.size() == 2);
    write(c, "blues,jazz\nblues,9,1\nrock,2,8\n");
    CHECK(error_of([&] { read_confusion_csv(c.string()); }).find("confusion.csv:3: row 'rock'") != std::string::npos);
    write(c, "blues,jazz\nblues,9,1.5\njazz,2,8\n");
    CHECK(error_of([&] { read_confusion_csv(c.string()); }).find("whole number") != std::string::npos);
    write(c, "blues,jazz\nblues,9,1\n");
    CHECK(error_of([&] { read_confusion_csv(c.string()); }).find("1 rows for 2 genres") != std::string::npos);
}

TEST_CASE("figures: base64, HTML escaping and provenance from settings.txt") {
    auto b64 = [](const std::string& s) { return base64_encode(std::vector<std::uint8_t>(s.begin(), s.end())); };
    CHECK(b64("Man") == "TWFu");
    CHECK(b64("Ma") == "TWE=");
    CHECK(b64("M") == "TQ==");
    CHECK(b64("") == "");
    CHECK(html_escape("<a&\"b\">") == "&lt;a&amp;&quot;b&quot;&gt;");
    CHECK(provenance_from_settings("data = gtzan:/data/genres\n") == Provenance::gtzan);
    CHECK(provenance_from_settings("dataset: synthetic (seed 1)\n") == Provenance::synthetic);
    CHECK(provenance_from_settings("epochs = 3\n# trained on synthetic clips\n") == Provenance::synthetic);
    CHECK(provenance_from_settings("epochs = 3\n") == Provenance::unknown);
}

TEST_CASE("figures: a run's figures and report: provenance shown, metrics beside the paper's, images embedded") {
    ScratchDir dir("report");
    const std::string run = (dir.path / "run1").string();
    write_demo_run(run);
    std::vector<std::string> log;
    auto written = make_run_images(run, &log);
    for (const char* name : {"accuracy.png", "accuracy.svg", "loss.png", "loss.svg", "confusion.png"})
        CHECK(fs::exists(fs::path(run) / "figures" / name));
    Decoded acc = decode_png_file((fs::path(run) / "figures/accuracy.png").string());
    CHECK(acc.width == 800);
    CHECK(acc.height == 500);
    CHECK(decode_png_file((fs::path(run) / "figures/confusion.png").string()).width > 500);

    const std::string html = read_text_file((fs::path(run) / "report.html").string());
    CHECK(html.find("Data: SYNTHETIC") != std::string::npos);
    char paper_train[32], paper_test[32];  // the paper's numbers beside ours
    std::snprintf(paper_train, sizeof paper_train, "<td>%.1f%%</td></tr>", melgrad::kPaper.train_accuracy);
    std::snprintf(paper_test, sizeof paper_test, "<td>%.1f%%</td></tr>", melgrad::kPaper.test_accuracy);
    CHECK(html.find(paper_train) != std::string::npos);
    CHECK(html.find(paper_test) != std::string::npos);
    int pngs = 0;
    for (const auto& e : fs::directory_iterator(fs::path(run) / "figures")) pngs += e.path().extension() == ".png";
    CHECK(pngs == 6);
    CHECK(count(html, "src=\"data:image/png;base64,iVBORw0KGgo") == pngs);  // every PNG, embedded
    CHECK(html.find("src=\"figures/") == std::string::npos);                  // nothing points outside the page
    // The test accuracy comes from eval.json, and the eval table is generated again from it.
    const melgrad::gtzan::EvalResults eval = melgrad::gtzan::read_eval_json((fs::path(run) / "eval.json").string());
    REQUIRE(eval.part("test") != nullptr);
    char test_row[96];
    std::snprintf(test_row, sizeof test_row, "test accuracy (chunks)</td><td>%.1f%%</td>",
                  100 * eval.part("test")->chunk_accuracy);
    CHECK(html.find(test_row) != std::string::npos);
    CHECK(html.find("<pre id=\"evaluation\">" + html_escape(melgrad::gtzan::eval_table_text(eval))) != std::string::npos);

    // A run with only a real-data settings file still gets a page that says what is missing.
    const fs::path bare = dir.path / "bare";
    write(bare / "settings.txt", "data = gtzan:/data/genres_original\n");
    make_run_images(bare.string());
    const std::string bare_html = read_text_file((bare / "report.html").string());
    CHECK(bare_html.find("Data: real GTZAN") != std::string::npos);
    CHECK(bare_html.find("no metrics.csv") != std::string::npos);
    CHECK(bare_html.find("not evaluated: no " + (bare / "eval.json").string()) != std::string::npos);
    CHECK_THROWS_AS(build_report_html((dir.path / "missing").string()), std::runtime_error);
}

TEST_CASE("figures: the report shows one explained clip per genre after the other figures, or says there is none") {
    ScratchDir dir("report_explain");
    const std::string run = (dir.path / "run").string();
    write_demo_run(run);
    make_run_images(run);
    std::string html = build_report_html(run);
    CHECK(html.find("id=\"explain-missing\"") != std::string::npos);
    for (const char* genre : {"jazz", "blues"})
        fs::copy_file(fs::path(run) / "figures/accuracy.png", fs::path(run) / "figures" / ("explain_" + std::string(genre) + ".png"));
    REQUIRE(fs::exists(fs::path(run) / "figures/featuremaps.png"));  // the demo run's
    fs::copy_file(fs::path(run) / "figures/accuracy.png", fs::path(run) / "figures/custom.png");  // unknown: last
    html = build_report_html(run);
    CHECK(html.find("id=\"explain-missing\"") == std::string::npos);
    const size_t maps = html.find("id=\"fig-featuremaps\""), blues = html.find("id=\"fig-explain_blues\""),
                 jazz = html.find("id=\"fig-explain_jazz\"");
    REQUIRE(jazz != std::string::npos);
    CHECK(maps < blues);
    CHECK(blues < jazz);
    CHECK(jazz < html.find("id=\"fig-custom\""));
    CHECK(html.find("What the model listens to in one clip of this genre") != std::string::npos);
}

TEST_CASE("figures: the report of a run evaluated by an older melgrad (eval.txt only) says to evaluate again") {
    ScratchDir dir("report_old_eval");
    const fs::path run = dir.path / "old";
    write_demo_run(run.string());
    fs::remove(run / "eval.json");
    write(run / "eval.txt", "melgrad eval runs/old\ntrain_accuracy: 65.21%\ntest_accuracy: 66.00%\n");
    const RunEvaluation eval = read_run_evaluation(run.string());
    CHECK(!eval.results);
    CHECK(eval.problem.find("older melgrad") != std::string::npos);
    const std::string html = build_report_html(run.string());
    const std::string table = section(html, "<table id=\"metrics\">", "</table>");
    REQUIRE(!table.empty());
    CHECK(table.find("66.0%") == std::string::npos);  // eval.txt is not parsed for numbers any more
    CHECK(table.find("65.2%") == std::string::npos);
    const std::string again = "run `melgrad eval " + run.string() + "` again";
    CHECK(table.find(again) != std::string::npos);  // in the test accuracy cell
    CHECK(html.find("<p class=\"missing\" id=\"evaluation\">") != std::string::npos);
    CHECK(html.find("<pre>melgrad eval runs/old\ntrain_accuracy: 65.21%") != std::string::npos);  // shown as is
}

TEST_CASE("figures: a damaged eval.json is named on the report page, with what is wrong, instead of a crash") {
    ScratchDir dir("report_bad_eval");
    const fs::path run = dir.path / "run";
    write_demo_run(run.string());
    const std::string good = read_text_file((run / "eval.json").string());
    write(run / "eval.json", good.substr(0, good.size() / 2));  // truncated
    const std::string json_path = (run / "eval.json").string();
    const RunEvaluation eval = read_run_evaluation(run.string());
    CHECK(!eval.results);
    CHECK(eval.problem.find(json_path + ": the file ends early") == 0);
    const std::string html = build_report_html(run.string());
    CHECK(section(html, "<table id=\"metrics\">", "</table>").find(html_escape(json_path) + ": the file ends early") !=
          std::string::npos);
    CHECK(html.find("run `melgrad eval " + run.string() + "` again") != std::string::npos);
    CHECK(quiet_command({"report", run.string()}) == 0);  // the page is still written
}

TEST_CASE("figures: images --latest picks the most recently modified run; bad input gives an error status") {
    ScratchDir dir("latest");
    const fs::path runs = dir.path / "runs";
    write(runs / "old/metrics.csv", "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n1,1,0.5,1,0.5,0.1,1\n");
    write(runs / "new/metrics.csv", "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n1,1,0.5,1,0.5,0.1,1\n");
    const auto now = fs::file_time_type::clock::now();
    for (const char* p : {"old", "old/metrics.csv"}) fs::last_write_time(runs / p, now - std::chrono::hours(2));
    for (const char* p : {"new", "new/metrics.csv"}) fs::last_write_time(runs / p, now - std::chrono::hours(1));
    CHECK(fs::path(latest_run_dir(runs.string())).filename() == "new");
    CHECK(quiet_command({"images", "--latest", runs.string()}) == 0);
    CHECK(fs::exists(runs / "new/report.html"));
    CHECK(fs::exists(runs / "new/figures/accuracy.png"));
    CHECK(!fs::exists(runs / "old/report.html"));
    CHECK(quiet_command({"plot-curves", (runs / "old").string()}) == 0);
    CHECK(fs::exists(runs / "old/figures/loss.svg"));
    CHECK(quiet_command({"plot-confusion", (runs / "old").string()}) == 1);  // no confusion.csv
    CHECK(quiet_command({"images", "--latest", (dir.path / "none").string()}) == 1);
    CHECK(quiet_command({"report"}) == 2);  // usage
    fs::create_directories(dir.path / "empty");
    CHECK_THROWS_AS(latest_run_dir((dir.path / "empty").string()), std::runtime_error);
}

TEST_CASE("figures: the report opens in headless Chromium with every image loaded; a broken image fails" *
          doctest::skip(!have_chromium()) *
          doctest::description("chromium is not installed (tools/setup.sh installs it)")) {
    ScratchDir dir("chromium");
    const fs::path run = dir.path / "run";
    write_demo_run(run.string());
    make_run_images(run.string());
    const std::string script = "tests/experiments/check_report.sh";
    REQUIRE(fs::exists(script));
    const fs::path shot = dir.path / "screenshot.png";
    const std::string good = "bash " + script + " " + (run / "report.html").string() + " " + shot.string() +
                             " >" + (dir.path / "good.log").string() + " 2>&1";
    CHECK(std::system(good.c_str()) == 0);
    Decoded s = decode_png_file(shot.string());
    CHECK(s.width > 0);  // the screenshot is a real PNG

    // The same page with one image's bytes damaged must fail the check.
    std::string html = read_text_file((run / "report.html").string());
    const size_t at = html.find("base64,iVBOR");
    REQUIRE(at != std::string::npos);
    html.replace(at + 7, 5, "AAAAA");
    write(dir.path / "broken.html", html);
    const std::string bad = "bash " + script + " " + (dir.path / "broken.html").string() + " >" +
                            (dir.path / "bad.log").string() + " 2>&1";
    CHECK(std::system(bad.c_str()) != 0);
    INFO(read_text_file((dir.path / "bad.log").string()));
    CHECK(read_text_file((dir.path / "bad.log").string()).find("broken=1") != std::string::npos);
}
