// `melgrad explain` end to end: a checkpoint and a song in, the picture and the raw maps out; bad input gets
// a clear error. The maths is tested in test_explain.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "audio/npy.h"
#include "audio/wav_write.h"
#include "experiments/cli/command.h"
#include "experiments/figures/colormap.h"
#include "experiments/figures/explain_figure.h"
#include "experiments/gtzan/features.h"
#include "experiments/synth/synth_gtzan.h"
#include "framework/checkpoint.h"
#include "framework/model_text.h"
#include "tests/experiments/figures_test_util.h"

using namespace melgrad;
using melgrad::figures::testing::ScratchDir;

namespace {

// A checkpoint as melgrad train writes its essentials: the model text, the genres, the feature settings.
std::string make_checkpoint(const ScratchDir& dir, const std::string& model_text, const std::string& name) {
    BuiltModel built = build_model(model_text, name, 5);
    Metadata meta{{"model_text", model_text}};
    std::string genres;
    for (const auto& g : synth::gtzan_genres()) genres += (genres.empty() ? "" : ",") + g;
    meta["genres"] = genres;
    for (const auto& [k, v] : gtzan::FeatureSettings{}.to_header()) meta["data." + k] = v;
    const std::string path = (dir.path / (name + ".ckpt")).string();
    save_checkpoint(path, meta, built.model->state());
    return path;
}

std::string make_song(const ScratchDir& dir, double seconds) {
    const std::string path = (dir.path / "song.wav").string();
    audio::write_wav_pcm16(path, synth::synthesize_clip(4, 0, 11, seconds, 22050), 22050);
    return path;
}

}  // namespace

TEST_CASE("melgrad explain: every chunk of a song -> a picture and the raw maps (.npy)") {
    ScratchDir dir("explain_cli");
    const std::string ckpt = make_checkpoint(dir, resolve_model_text("tiny-cnn"), "tiny");
    const std::string song = make_song(dir, 6.5), png = (dir.path / "explain.png").string();
    const std::string npy = (dir.path / "maps").string();
    REQUIRE(cli::run_command({"explain", ckpt, song, "-o", png, "--npy", npy}) == 0);
    const auto picture = figures::testing::decode_png_file(png);
    CHECK(picture.width >= 512);
    CHECK(picture.height > 3 * 256);  // the spectrogram, saliency and Grad-CAM panels
    CHECK_FALSE(std::filesystem::exists(png + ".tmp"));
    const audio::NpyArray input = audio::read_npy(npy + "_input.npy");
    const audio::NpyArray grad = audio::read_npy(npy + "_gradient.npy");
    const audio::NpyArray cam = audio::read_npy(npy + "_gradcam.npy");
    CHECK(input.shape == std::vector<size_t>{2, 128, 128});  // 6.5 s = 279 frames = two 128-frame chunks
    CHECK(grad.shape == input.shape);
    CHECK(cam.shape == input.shape);
    CHECK(*std::max_element(grad.data.begin(), grad.data.end()) > 0);
    CHECK(*std::min_element(cam.data.begin(), cam.data.end()) >= 0);  // after Grad-CAM's ReLU

    // --start picks one window; --genre a genre of the model's list; saliency needs no conv layer.
    REQUIRE(cli::run_command({"explain", ckpt, song, "-o", png, "--start", "1.5", "--genre", "jazz", "--method",
                              "saliency", "--npy", npy}) == 0);
    CHECK(audio::read_npy(npy + "_gradient.npy").shape == std::vector<size_t>{1, 128, 128});
    const auto one = figures::testing::decode_png_file(png);
    CHECK(one.height < picture.height);  // no Grad-CAM panel
}

TEST_CASE("melgrad explain: bad input gets an error naming the flag or the file") {
    ScratchDir dir("explain_cli_errors");
    const std::string ckpt = make_checkpoint(dir, resolve_model_text("tiny-cnn"), "tiny");
    const std::string dense = make_checkpoint(dir, "input 1 128 128\nflatten\nlinear out=10\n", "dense");
    const std::string song = make_song(dir, 3.5), png = (dir.path / "x.png").string();
    CHECK(cli::run_command({"explain", ckpt, song, "-o", png, "--method", "occlusion"}) == 2);
    CHECK(cli::run_command({"explain", ckpt, song, "-o", png, "--genre", "polka"}) == 2);
    CHECK(cli::run_command({"explain", ckpt, song, "-o", png, "--start", "-1"}) == 2);
    CHECK(cli::run_command({"explain", ckpt, song, "-o", png, "--start", "2.0"}) == 1);  // past the last window
    CHECK(cli::run_command({"explain", dense, song, "-o", png}) == 1);                  // Grad-CAM without a conv
    CHECK(cli::run_command({"explain", dense, song, "-o", png, "--method", "saliency"}) == 0);
    CHECK(cli::run_command({"explain", ckpt, song + ".missing", "-o", png}) == 1);
}

TEST_CASE("explain figure: a map of 1 is drawn in magma's top colour over its chunk, a map of 0 leaves the grey") {
    const int n = 2, rows = 4, cols = 4;
    std::vector<float> input(n * rows * cols, 0.5f), map(n * rows * cols, 0.0f);
    std::fill(map.begin() + rows * cols, map.end(), 1.0f);  // chunk 1 only
    figures::ExplainFigureInput in;
    in.title = "test";
    in.n = n, in.rows = rows, in.cols = cols, in.input = input.data();
    in.top_lines = {{"a 60%"}, {"b 70%"}};
    in.highlighted = {0, -1};
    in.overlays.push_back({"map", "map", map.data()});
    const figures::Image img = figures::render_explain_figure(in);
    const figures::Rgb top = figures::colormap_color(figures::Colormap::magma, 1.0f);
    size_t count = 0;
    for (int y = 0; y < img.height(); y++)
        for (int x = 0; x < img.width(); x++) count += img.get(x, y) == top;
    // The plot is 512 x 256 pixels (the smallest size), chunk 1 its right half; a dashed line separates the
    // chunks and the colour bar's top rows share the colour.
    INFO("pixels in magma's top colour: " << count);
    CHECK(count >= 256 * 256 - 600);
    CHECK(count <= 256 * 256 + 100);
    in.highlighted = {0};
    CHECK_THROWS_WITH(figures::render_explain_figure(in), doctest::Contains("2 chunks"));
}
