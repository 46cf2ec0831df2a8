// Your own music (docs/07-experiment.md, "Your own data"): a folder per class, any number of classes, odd
// file names, several formats, long songs; the class names followed from the dataset file through the
// checkpoint to eval and predict.
#include <doctest/doctest.h>
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "audio/wav_write.h"
#include "experiments/figures/confusion.h"
#include "experiments/figures/report.h"
#include "experiments/figures/run_files.h"
#include "experiments/figures/text.h"
#include "experiments/gtzan/class_names.h"
#include "experiments/gtzan/clip_window.h"
#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/eval_file.h"
#include "experiments/gtzan/eval_report.h"
#include "experiments/gtzan/predict.h"
#include "experiments/gtzan/preprocess.h"
#include "experiments/gtzan/scan.h"
#include "experiments/gtzan/splits.h"
#include "experiments/gtzan/train.h"
#include "framework/model_text.h"
#include "tests/audio/sndfile_write.h"
#include "tests/experiments/tiny_run.h"

using namespace melgrad;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
    fs::path p = fs::temp_directory_path() / ("melgrad_own_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

void touch(const fs::path& p, const std::string& text = "x") {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

// A tone whose pitch tells the class apart (plus an overtone and a slow tremolo), mono 22050 Hz.
std::vector<float> class_tone(int label, int variant, double seconds) {
    const double f = 110.0 * (1 << label) * (1.0 + 0.03 * variant);
    std::vector<float> x((size_t)(seconds * 22050));
    for (size_t i = 0; i < x.size(); i++) {
        const double t = i / 22050.0;
        x[i] = (float)((0.3 * std::sin(2 * M_PI * f * t) + 0.1 * std::sin(4 * M_PI * f * t)) *
                       (0.8 + 0.2 * std::sin(2 * M_PI * 0.5 * t)));
    }
    return x;
}

constexpr int kFlac = SF_FORMAT_FLAC | SF_FORMAT_PCM_16, kVorbis = SF_FORMAT_OGG | SF_FORMAT_VORBIS,
              kMp3 = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;

bool sndfile_can_write(int format) { return melgrad::testing::sndfile_can_write(format); }

// Writes `x` through libsndfile (FLAC, OGG/Vorbis, MP3), creating the folders on the way.
void write_with_sndfile(const fs::path& path, const std::vector<float>& x, int format) {
    fs::create_directories(path.parent_path());
    REQUIRE_MESSAGE(melgrad::testing::sndfile_write(path.string(), x, 22050, 1, format),
                    path.string() << ": " << std::string(sf_strerror(nullptr)));
}

void write_clip(const fs::path& path, const std::vector<float>& x) {
    const std::string ext = path.extension().string();
    if (ext == ".flac") write_with_sndfile(path, x, kFlac);
    else if (ext == ".ogg") write_with_sndfile(path, x, kVorbis);
    else if (ext == ".mp3") write_with_sndfile(path, x, kMp3);
    else {
        fs::create_directories(path.parent_path());
        audio::write_wav_pcm16(path.string(), x, 22050);
    }
}

// Three classes, five clips each (6 s: two chunks), in four formats, with spaces, a comma, non-ASCII letters,
// nested folders and upper-case extensions; beside them a cover image, a hidden folder and a broken file.
// "Rock, Pop" sorts first (upper case before lower case): the classes are in byte order.
fs::path make_own_collection() {
    const fs::path root = fresh_dir("collection");
    const bool mp3 = sndfile_can_write(kMp3);
    if (!mp3) MESSAGE("libsndfile here cannot write MP3: the collection has no MP3 file");
    const std::vector<std::vector<std::string>> files = {
        {"Live 2019/01 — Été.flac", "Live 2019/deep/nested/02 song.ogg", "03 (remix).WAV", "04 ünïcode.wav",
         mp3 ? "05.mp3" : "05.wav"},
        {"a.wav", "b.flac", "c d.ogg", "Album/e.wav", "Album/f.wav"},
        {"t1.wav", "t2.wav", "t3.flac", "x/y/z/t4.ogg", mp3 ? "t5.mp3" : "t5.wav"}};
    const char* classes[] = {"Rock, Pop", "ambient", "techno"};
    for (int c = 0; c < 3; c++)
        for (int v = 0; v < 5; v++) write_clip(root / classes[c] / files[c][v], class_tone(c, v, 6.0));
    touch(root / "techno" / "cover.jpg");
    touch(root / ".hidden" / "secret.wav");
    touch(root / "ambient" / ".DS_Store");
    touch(root / "README.txt");  // not in a class folder
    return root;
}

gtzan::ScanOptions scan_options(const std::string& layout, const std::vector<std::string>& classes = {},
                                const std::string& subset = "") {
    gtzan::ScanOptions o;
    o.layout = layout;
    o.classes = classes;
    o.subset = subset;
    return o;
}

}  // namespace

TEST_CASE("class names: ',' '%' and line breaks survive the header line; GTZAN's names read as before") {
    const std::vector<std::string> odd = {"Rock, Pop", "100% jazz", "two\nlines", "été", "a%2Cb"};
    const std::string line = gtzan::join_class_names(odd);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(gtzan::split_class_names(line, "f") == odd);
    CHECK(gtzan::join_class_names(gtzan::gtzan_genre_names()) ==
          "blues,classical,country,disco,hiphop,jazz,metal,pop,reggae,rock");
    CHECK(gtzan::split_class_names("blues,rock", "f") == std::vector<std::string>{"blues", "rock"});
    CHECK_THROWS_WITH(gtzan::split_class_names("a%zz", "d.mgd"), doctest::Contains("d.mgd: bad escape '%zz'"));
    CHECK(gtzan::parse_class_list("b,a") == std::vector<std::string>{"b", "a"});
    CHECK_THROWS_WITH(gtzan::parse_class_list("a,,b"), doctest::Contains("an empty class name"));
    CHECK_THROWS_WITH(gtzan::parse_class_list("a,b,a"), doctest::Contains("'a' twice"));
}

TEST_CASE("clip window: offset and duration in seconds, at most N chunks evenly spaced") {
    std::vector<float> x(22050 * 10);
    for (size_t i = 0; i < x.size(); i++) x[i] = (float)i;
    gtzan::ClipWindow w;
    w.offset = 2;
    w.duration = 3;
    std::vector<float> y = gtzan::window_samples(x, 22050, w);
    REQUIRE(y.size() == 22050 * 3);
    CHECK(y[0] == 44100.0f);
    w.duration = 0;  // to the end
    CHECK(gtzan::window_samples(x, 22050, w).size() == 22050 * 8);
    w.offset = 11;  // past the end
    CHECK(gtzan::window_samples(x, 22050, w).empty());
    CHECK(gtzan::evenly_spaced_chunks(4, 0) == std::vector<size_t>{0, 1, 2, 3});
    CHECK(gtzan::evenly_spaced_chunks(4, 9) == std::vector<size_t>{0, 1, 2, 3});
    CHECK(gtzan::evenly_spaced_chunks(80, 4) == std::vector<size_t>{10, 30, 50, 70});
    CHECK(gtzan::evenly_spaced_chunks(13, 3) == std::vector<size_t>{2, 6, 10});
    CHECK(gtzan::evenly_spaced_chunks(5, 1) == std::vector<size_t>{2});
    CHECK(gtzan::ClipWindow().to_header().empty());  // no lines for the defaults: GTZAN's dataset file unchanged
    w.offset = -1;
    CHECK_THROWS_WITH(w.validate(), doctest::Contains("--offset"));
}

TEST_CASE("scan: folders of any names, recursive; GTZAN only when it looks like GTZAN; --classes") {
    const fs::path root = fresh_dir("scan");
    touch(root / "rock" / "my song.mp3");  // GTZAN genre names, but not GTZAN's file names: folders
    touch(root / "blues" / "deep" / "x.FLAC");
    touch(root / "blues" / "notes.txt");
    gtzan::DatasetScan s = gtzan::scan_dataset(root.string());
    CHECK(s.layout == "folders");
    CHECK(s.classes == std::vector<std::string>{"blues", "rock"});
    REQUIRE(s.clips.size() == 2);
    CHECK(s.clips[0].name == "blues/deep/x.FLAC");
    CHECK(s.clips[1].label == 1);
    CHECK(gtzan::describe_scan(s).find("1 files that are not") != std::string::npos);
    CHECK_THROWS_WITH(gtzan::scan_dataset(root.string(), scan_options("gtzan")),  // forced: GTZAN's rules, no clip fits them
                      doctest::Contains("but no clips in them"));
    touch(root / "blues" / "blues.00003.wav");
    touch(root / "rock" / "rock.00001.au");
    CHECK(gtzan::scan_dataset(root.string()).layout == "gtzan");  // GTZAN-named clips in genre folders
    touch(root / "ambient" / "a.wav");                            // a folder GTZAN does not have: folders
    CHECK(gtzan::scan_dataset(root.string()).layout == "folders");

    gtzan::DatasetScan chosen = gtzan::scan_dataset(root.string(), scan_options("auto", {"rock", "ambient"}));
    CHECK(chosen.classes == std::vector<std::string>{"rock", "ambient"});
    CHECK(chosen.per_class == std::vector<int>{2, 1});
    CHECK(gtzan::describe_scan(chosen).find("folder not in --classes, ignored") != std::string::npos);
    CHECK_THROWS_WITH(gtzan::scan_dataset(root.string(), scan_options("folders", {"rock", "jazz"})),
                      doctest::Contains("jazz: no such class folder (named in --classes)"));
    CHECK_THROWS_WITH(gtzan::scan_dataset(root.string(), scan_options("gtzan", {"rock"})), doctest::Contains("--layout folders"));
    CHECK_THROWS_WITH(gtzan::scan_dataset(root.string(), scan_options("imagenet")), doctest::Contains("--layout imagenet"));
    CHECK_THROWS_WITH(gtzan::scan_dataset(root.string(), scan_options("fma")), doctest::Contains("fma_metadata/tracks.csv"));
    CHECK_THROWS_WITH(gtzan::scan_dataset(root.string(), scan_options("auto", {}, "small")), doctest::Contains("--subset"));
    CHECK_THROWS_WITH(gtzan::scan_dataset(root.string(), scan_options("folders", {"rock"})),
                      doctest::Contains("1 class folder(s)"));
    fs::remove_all(root);
}

TEST_CASE("scan: 300 class folders: every one a class, in order; the summary wraps its lines") {
    const fs::path root = fresh_dir("many");
    for (int c = 0; c < 300; c++) touch(root / ("class " + std::to_string(1000 + c)) / "a.wav");
    gtzan::DatasetScan s = gtzan::scan_dataset(root.string());
    REQUIRE(s.classes.size() == 300);
    CHECK(s.classes[299] == "class 1299");
    CHECK(s.clips[299].label == 299);
    std::istringstream lines(gtzan::describe_scan(s));
    std::string line;
    size_t longest = 0;
    while (std::getline(lines, line)) longest = std::max(longest, line.size());
    CHECK(longest < 120);
    fs::remove_all(root);
}

TEST_CASE("model text: linear out=classes takes the dataset's class count; builtin models use it") {
    BuiltModel m = build_model("input 1 8 8\nflatten\nlinear out=classes\n", "m.model", 0, 37);
    CHECK(m.output_shape == Shape{37});
    for (const std::string& name : builtin_model_names()) {
        CHECK(build_model(resolve_model_text(name), name, 0, 3).output_shape == Shape{3});
        CHECK(build_model(resolve_model_text(name), name).output_shape == Shape{10});  // the paper's default
    }
    CHECK_THROWS_WITH(build_model("input 1 8 8\nflatten\nlinear out=classes\n", "m.model", 0, 0),
                      doctest::Contains("m.model:3: out=classes, but the number of classes is not known here"));
}

// A confusion matrix of n classes named class000.. with `right` of 10 examples on the diagonal.
figures::ConfusionMatrix confusion_of(int n, int right) {
    figures::ConfusionMatrix cm;
    for (int i = 0; i < n; i++) {
        char name[32];
        std::snprintf(name, sizeof name, "class%03d", i);
        cm.labels.push_back(name);
        cm.counts.push_back(std::vector<long>(n, 0));
        cm.counts[i][i] = right;
        cm.counts[i][(i + 1) % n] += 10 - right;
    }
    return cm;
}

TEST_CASE("figures: the confusion matrix stays readable for 2 and for 60 classes") {
    CHECK(figures::confusion_cell_px(10) == 56);  // GTZAN's figure as it was
    const figures::Image two = figures::render_confusion(confusion_of(2, 7));
    CHECK(two.width() < 900);
    // the colour bar beside the grid, as tall as the grid, holds its title
    CHECK(2 * figures::confusion_cell_px(2) >= figures::text_width("share of the true genre's examples", 2));
    const figures::Image sixty = figures::render_confusion(confusion_of(60, 9));
    CHECK(figures::confusion_cell_px(60) == 20);
    CHECK(sixty.width() < 1600);   // 60 cells of 56 px would be 3400 px wide
    CHECK(sixty.height() < 1600);
    CHECK(figures::confusion_cell_px(500) == 8);
    const figures::Image many = figures::render_confusion(confusion_of(500, 9));  // labels thinned, no overlap
    CHECK(many.width() < 4600);
    // UTF-8 class names: accents of Latin letters dropped, anything else one '?' a character, not one a byte
    CHECK(figures::text_width("Ünïcode été", 2) == figures::text_width("Unicode ete", 2));
    CHECK(figures::text_width("日本", 2) == figures::text_width("??", 2));
    if (const char* dir = std::getenv("MELGRAD_KEEP_FIGURES")) {  // to look at them
        two.save_png(std::string(dir) + "/confusion_2.png");
        sixty.save_png(std::string(dir) + "/confusion_60.png");
    }
}

namespace {

// The collection of make_own_collection(), plus a 40 s FLAC kept to 3 chunks and a broken file, as a dataset.
std::string preprocess_own_collection(const fs::path& root, const fs::path& work) {
    write_clip(root / "ambient" / "Album" / "long mix.flac", class_tone(1, 2, 40.0));  // 13 chunks, keep 3
    touch(root / "techno" / "broken.ogg", "not audio");
    gtzan::PreprocessOptions po;
    po.dir = root.string();
    po.out = (work / "own.mgd").string();
    po.window.max_chunks = 3;
    po.quiet = true;
    gtzan::PreprocessResult pr = gtzan::preprocess(po);
    REQUIRE(pr.failed.size() == 1);
    CHECK(pr.failed[0].find("broken.ogg") != std::string::npos);
    CHECK(pr.clips_used == 16);
    CHECK(pr.chunks == 15 * 2 + 3);
    return po.out;
}

// Class names from the folders (sorted byte by byte), odd file names kept, the long song's evenly spaced chunks.
void check_own_dataset(const gtzan::DatasetFile& data) {
    CHECK(data.genres() == std::vector<std::string>{"Rock, Pop", "ambient", "techno"});
    CHECK(data.header_value("layout") == "folders");
    CHECK(data.header_value("max_chunks_per_clip") == "3");
    std::set<std::string> names;
    for (const auto& clip : data.clips()) names.insert(clip.name);
    CHECK(names.count("Rock, Pop/Live 2019/01 — Été.flac") == 1);
    CHECK(names.count("Rock, Pop/Live 2019/deep/nested/02 song.ogg") == 1);
    for (const auto& clip : data.clips())
        if (clip.name == "ambient/Album/long mix.flac") {  // 3 of 13 chunks, from the middle of thirds
            REQUIRE(clip.n_chunks == 3);
            CHECK(data.chunks()[clip.first_chunk].start_frame == 2 * 128);
            CHECK(data.chunks()[clip.first_chunk + 2].start_frame == 10 * 128);
        }
}

// The clip split keeps every chunk of a song on one side.
void check_clip_split_keeps_songs_whole(const gtzan::DatasetFile& data) {
    gtzan::Split split = gtzan::make_split(data, "clip", 1);
    std::map<uint32_t, int> side;
    const std::vector<int>* parts[3] = {&split.train, &split.val, &split.test};
    for (int p = 0; p < 3; p++)
        for (int chunk : *parts[p]) {
            const uint32_t clip = data.chunks()[chunk].clip;
            CHECK((side.count(clip) == 0 || side[clip] == p));
            side[clip] = p;
        }
}

// eval, eval.json, settings.txt and confusion.csv name the classes and the layout, never GTZAN.
void check_own_eval(const fs::path& run) {
    gtzan::EvalOptions eo;
    eo.run = run.string();
    eo.device = "cpu";
    gtzan::EvalResults r = gtzan::evaluate_run(eo);
    REQUIRE(r.test_per_genre.size() == 3);
    CHECK(r.test_per_genre[0].genre == "Rock, Pop");
    CHECK(r.layout == "folders");
    CHECK(gtzan::eval_table_text(r).find("your own classes, not GTZAN") != std::string::npos);
    CHECK(gtzan::eval_table_text(r).find("96%") == std::string::npos);  // no paper figures beside them
    CHECK(gtzan::read_eval_json((run / "eval.json").string()).layout == "folders");
    const std::string settings = melgrad::testing::read_text(run / "settings.txt");
    CHECK(figures::provenance_from_settings(settings) == figures::Provenance::own);  // never "real GTZAN"
    const std::string confusion = melgrad::testing::read_text(run / "confusion.csv");
    CHECK(confusion.substr(0, confusion.find('\n')) == "true\\predicted,\"Rock, Pop\",ambient,techno");  // the comma quoted
    CHECK(figures::read_confusion_csv((run / "confusion.csv").string()).labels[0] == "Rock, Pop");
}

}  // namespace

TEST_CASE("own data: a folder per class in WAV, FLAC, OGG and MP3 -> preprocess -> train -> eval -> predict") {
    const fs::path root = make_own_collection();
    const fs::path work = fresh_dir("work");
    const std::string dataset = preprocess_own_collection(root, work);
    gtzan::DatasetFile data(dataset);
    check_own_dataset(data);
    check_clip_split_keeps_songs_whole(data);

    melgrad::testing::train_tiny_cnn(dataset, work / "run", "clip", 8);
    check_own_eval(work / "run");

    gtzan::GenrePredictor predictor((work / "run" / "model.ckpt").string());
    CHECK(predictor.genres() == data.genres());
    const fs::path song = root / "techno" / (sndfile_can_write(kMp3) ? "t5.mp3" : "t5.wav");
    gtzan::GenrePredictor::SongPrediction p = predictor.predict_file(song.string());
    CHECK(p.probs.size() == 3);
    CHECK(p.chunk_probs.size() == 2);
    fs::remove_all(root);
    fs::remove_all(work);
}
