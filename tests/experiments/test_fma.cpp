// FMA (Free Music Archive): the CSV reader, tracks.csv's two-row header, and a tiny FMA-shaped tree through
// preprocess -> train --split fma -> predict.
#include <doctest/doctest.h>
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "audio/wav_write.h"
#include "experiments/csv.h"
#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/fma_tracks.h"
#include "experiments/gtzan/predict.h"
#include "experiments/gtzan/preprocess.h"
#include "experiments/gtzan/scan.h"
#include "experiments/gtzan/splits.h"
#include "experiments/gtzan/train.h"
#include "tests/experiments/tiny_run.h"

using namespace melgrad;
namespace fs = std::filesystem;

namespace {

// tracks.csv as FMA writes it (pandas, two-level columns), cut to a few of its 52 columns but in the same
// shape: the group row, the name row, pandas' "track_id" row, then one row per track. Track 3's album title
// holds a comma, track 5's artist bio a line break and quotes, track 10 has no top-level genre, track 99 is
// only in the medium subset, track 140 is listed but its audio is missing.
const char* const kTracksCsv =
    ",album,album,artist,artist,set,set,track,track,track\n"
    ",title,tracks,bio,name,split,subset,genre_top,genres,title\n"
    "track_id,,,,,,,,,\n"
    "2,AWOL - A Way Of Life,7,\"<p>A Way Of Life, A Collective of Hip-Hop from every corner</p>\",AWOL,training,small,"
    "Hip-Hop,[21],Food\n"
    "3,\"Live, at the Fest\",7,,AWOL,training,small,Hip-Hop,[21],Electric Ave\n"
    "5,AWOL - A Way Of Life,7,\"first line\n\"\"quoted\"\" second line\",AWOL,validation,small,Hip-Hop,\"[21, 27]\",This World\n"
    "10,Constant Hitmaker,2,,Kurt Vile,training,small,,\"[10, 12]\",Freeway\n"
    "20,Niris,13,,Nicky Cook,test,small,Rock,[12],Spiritual Level\n"
    "26,Niris,13,,Nicky Cook,training,small,Rock,[12],Where is your Love?\n"
    "30,Niris,13,,Nicky Cook,validation,small,Rock,[12],Too Happy\n"
    "46,Niris,13,,Nicky Cook,test,small,Hip-Hop,[21],Yosemite\n"
    "99,Other,1,,Someone,training,medium,Rock,[12],Medium only\n"
    "140,Lost,1,,Someone,training,small,Rock,[12],No audio\n";

fs::path fresh_dir(const std::string& name) {
    fs::path p = fs::temp_directory_path() / ("melgrad_fma_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// A 6-second tone, written as MP3 through libsndfile where it can, else as WAV bytes under the .mp3 name
// (load_audio recognises WAV by its first bytes).
void write_track(const fs::path& path, double hz) {
    fs::create_directories(path.parent_path());
    std::vector<float> x(22050 * 6);
    for (size_t i = 0; i < x.size(); i++) x[i] = (float)(0.3 * std::sin(2 * M_PI * hz * i / 22050.0));
    SF_INFO info{};
    info.samplerate = 22050;
    info.channels = 1;
    info.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    if (!sf_format_check(&info)) {
        audio::write_wav_pcm16(path.string(), x, 22050);
        return;
    }
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    REQUIRE(f);
    sf_writef_float(f, x.data(), (sf_count_t)x.size());
    sf_close(f);
}

fs::path make_fma_tree() {
    const fs::path root = fresh_dir("tree");
    fs::create_directories(root / "fma_metadata");
    std::ofstream(root / "fma_metadata" / "tracks.csv") << kTracksCsv;
    for (long id : {2, 3, 5, 10, 46}) write_track(root / gtzan::fma_audio_path("small", id), 220.0 + id);
    for (long id : {20, 26, 30}) write_track(root / gtzan::fma_audio_path("small", id), 1760.0 + id);
    return root;
}

gtzan::ScanOptions fma_options(const std::vector<std::string>& classes, const std::string& subset) {
    gtzan::ScanOptions o;
    o.classes = classes;
    o.subset = subset;
    return o;
}

}  // namespace

TEST_CASE("csv: quoted commas, line breaks and doubled quotes; empty fields; CRLF; clear errors") {
    const auto r = parse_csv("a,\"b, c\",,\"say \"\"hi\"\"\"\r\n\"two\nlines\",x\n\nlast,", "t.csv");
    REQUIRE(r.size() == 3);
    CHECK(r[0].fields == std::vector<std::string>{"a", "b, c", "", "say \"hi\""});
    CHECK(r[1].fields == std::vector<std::string>{"two\nlines", "x"});
    CHECK(r[1].line == 2);
    CHECK(r[2].line == 5);  // the quoted line break counted, the empty line skipped
    CHECK(r[2].fields == std::vector<std::string>{"last", ""});
    CHECK_THROWS_WITH(parse_csv("a,\"open\nb", "t.csv"), doctest::Contains("t.csv:1: a quoted field is never closed"));
    CHECK_THROWS_WITH(parse_csv("a\n\"x\"y,b", "t.csv"), doctest::Contains("t.csv:2: 'y' after a closing quote"));
    CHECK(csv_field("Rock, Pop") == "\"Rock, Pop\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("plain") == "plain");
    CHECK(parse_csv(csv_field("a,\"b\"\nc") + "\n", "t")[0].fields[0] == "a,\"b\"\nc");  // round trip
}

TEST_CASE("fma: tracks.csv's columns found by their two header rows; bad files named") {
    const auto tracks = gtzan::read_fma_tracks(kTracksCsv, "tracks.csv");
    REQUIRE(tracks.size() == 10);
    CHECK(tracks[1].id == 3);
    CHECK(tracks[1].genre_top == "Hip-Hop");
    CHECK(tracks[2].split == "validation");  // after the multi-line, quoted bio
    CHECK(tracks[2].genre_top == "Hip-Hop");
    CHECK(tracks[3].genre_top.empty());
    CHECK(tracks[8].subset == "medium");
    CHECK(gtzan::fma_audio_path("small", 2) == "fma_small/000/000002.mp3");
    CHECK(gtzan::fma_audio_path("large", 155066) == "fma_large/155/155066.mp3");
    CHECK(gtzan::fma_subset_rank("small") < gtzan::fma_subset_rank("medium"));
    CHECK_THROWS_WITH(gtzan::read_fma_tracks("a,b\nc,d\n1,2\n", "x.csv"),
                      doctest::Contains("x.csv: no column (track, genre_top)"));
    CHECK_THROWS_WITH(gtzan::read_fma_tracks(",set,set,track\n,split,subset,genre_top\nabc,training,small,Rock\n", "x.csv"),
                      doctest::Contains("x.csv:3: track_id 'abc'"));
    CHECK_THROWS_WITH(gtzan::read_fma_tracks(",set,set,track\n,split,subset,genre_top\n7,training\n", "x.csv"),
                      doctest::Contains("x.csv:3: 2 fields"));
}

TEST_CASE("fma: a tiny FMA tree -> preprocess -> train --split fma -> predict") {
    const fs::path root = make_fma_tree();
    const fs::path work = fresh_dir("work");
    gtzan::DatasetScan scan = gtzan::scan_dataset(root.string());
    CHECK(scan.layout == "fma");
    CHECK(scan.classes == std::vector<std::string>{"Hip-Hop", "Rock"});
    CHECK(scan.clips.size() == 7);  // not 10 (no genre), 99 (medium), 140 (no audio)
    const std::string notes = gtzan::describe_scan(scan);
    CHECK(notes.find("1 tracks of fma_small have no top-level genre") != std::string::npos);
    CHECK(notes.find("1 tracks listed in tracks.csv have no audio file") != std::string::npos);
    CHECK_THROWS_WITH(gtzan::scan_dataset(root.string(), fma_options({}, "medium")), doctest::Contains("fma_medium: no such folder"));
    CHECK_THROWS_WITH(gtzan::scan_dataset(root.string(), fma_options({"Jazz", "Rock"}, "")), doctest::Contains("'Jazz'"));

    gtzan::PreprocessOptions po;
    po.dir = root.string();
    po.out = (work / "fma.mgd").string();
    po.quiet = true;
    gtzan::PreprocessResult pr = gtzan::preprocess(po);
    CHECK(pr.failed.empty());
    gtzan::DatasetFile data(po.out);
    CHECK(data.genres() == scan.classes);
    CHECK(data.header_value("layout") == "fma");
    CHECK(data.header_value("fma_split") == "ttveetv");  // Hip-Hop 2 3 5 46 (t t v e), then Rock 20 26 30 (e t v)
    gtzan::Split split = gtzan::make_split(data, "fma", 0);
    CHECK(split.train.size() == 3 * 2);
    CHECK(split.val.size() == 2 * 2);
    CHECK(split.test.size() == 2 * 2);

    melgrad::testing::train_tiny_cnn(po.out, work / "run", "fma", 4);
    const std::string settings_text = melgrad::testing::read_text(work / "run" / "settings.txt");
    CHECK(settings_text.rfind("provenance=fma (", 0) == 0);
    CHECK(settings_text.find("data.layout=fma") != std::string::npos);
    CHECK(settings_text.find("fma_split") == std::string::npos);  // per clip: the dataset's, not the run's
    gtzan::GenrePredictor predictor((work / "run" / "model.ckpt").string());
    CHECK(predictor.genres() == scan.classes);
    CHECK(predictor.predict_file((root / gtzan::fma_audio_path("small", 20)).string()).probs.size() == 2);
    fs::remove_all(root);
    fs::remove_all(work);
}

TEST_CASE("fma: --split fma on a dataset that is not FMA is a clear error") {
    const fs::path root = fresh_dir("notfma");
    for (const char* c : {"a", "b"})
        for (int i = 0; i < 5; i++) {
            fs::create_directories(root / c);
            std::vector<float> x(22050 * 3 + 1000, 0.1f * i);
            x[0] = 0.5f;
            audio::write_wav_pcm16((root / c / (std::to_string(i) + ".wav")).string(), x, 22050);
        }
    gtzan::PreprocessOptions po;
    po.dir = root.string();
    po.out = (root / "d.mgd").string();
    po.quiet = true;
    gtzan::preprocess(po);
    gtzan::DatasetFile data(po.out);
    CHECK_THROWS_WITH(gtzan::make_split(data, "fma", 0), doctest::Contains("has none"));
    fs::remove_all(root);
}
