#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/metrics.h"
#include "experiments/gtzan/scan.h"
#include "experiments/gtzan/splits.h"

using namespace melgrad::gtzan;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
    fs::path p = fs::temp_directory_path() / ("melgrad_test_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// A small dataset: `clips_per_genre` clips per genre, 3 chunks each, 4x5 chunks with recognisable values.
DatasetContents small_contents(int clips_per_genre) {
    DatasetContents c;
    c.genres = gtzan_genre_names();
    c.n_mels = 4;
    c.chunk_frames = 5;
    c.header["synthetic"] = "1";
    c.header["scale"] = "db";
    for (int g = 0; g < 10; g++)
        for (int i = 0; i < clips_per_genre; i++) {
            ClipEntry clip;
            clip.genre = g;
            char name[64];
            std::snprintf(name, sizeof name, "%s/%s.%05d.wav", c.genres[g].c_str(), c.genres[g].c_str(), i);
            clip.name = name;
            clip.first_chunk = (uint32_t)c.chunks.size();
            clip.n_chunks = 3;
            for (int k = 0; k < 3; k++) {
                c.chunks.push_back({(uint32_t)c.clips.size(), (uint32_t)(k * 5)});
                for (int v = 0; v < 20; v++) c.data.push_back((float)(c.chunks.size() * 100 + v));
            }
            c.clips.push_back(clip);
        }
    return c;
}

}  // namespace

TEST_CASE("dataset file: round trip keeps tables, header and data") {
    fs::path dir = temp_dir("mgd");
    std::string path = (dir / "d.mgd").string();
    DatasetContents c = small_contents(4);
    write_dataset(path, c);
    CHECK_FALSE(fs::exists(path + ".tmp"));
    DatasetFile d(path);
    CHECK(d.clips().size() == 40);
    CHECK(d.chunks().size() == 120);
    CHECK(d.genres() == gtzan_genre_names());
    CHECK(d.synthetic());
    CHECK(d.header_value("scale") == "db");
    CHECK(d.clips()[5].name == c.clips[5].name);
    CHECK(d.label(7) == c.clips[c.chunks[7].clip].genre);
    CHECK(d.chunk(7)[3] == c.data[7 * 20 + 3]);
    CHECK(d.chunk(119)[19] == c.data.back());
    fs::remove_all(dir);
}

TEST_CASE("dataset file: corruption and truncation give errors naming the file") {
    fs::path dir = temp_dir("mgd_bad");
    std::string path = (dir / "d.mgd").string();
    write_dataset(path, small_contents(2));
    std::string bytes;
    {
        std::ifstream f(path, std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        bytes = ss.str();
    }
    auto write = [&](const std::string& b) { std::ofstream(path, std::ios::binary) << b; };
    auto error_of = [&]() -> std::string {
        try { DatasetFile d(path); } catch (const std::exception& e) { return e.what(); }
        return "";
    };
    std::string flipped = bytes;
    flipped[bytes.size() / 2] ^= 0x10;
    write(flipped);
    CHECK(error_of().find("checksum") != std::string::npos);
    for (size_t cut : {size_t(0), size_t(10), size_t(60), bytes.size() / 2, bytes.size() - 1}) {
        write(bytes.substr(0, cut));
        std::string e = error_of();
        CAPTURE(cut);
        CHECK(e.find(path) != std::string::npos);
    }
    std::string magic = bytes;
    magic[0] = 'X';
    write(magic);
    CHECK(error_of().find("bad magic") != std::string::npos);
    CHECK(error_of().find(path) != std::string::npos);
    std::string version = bytes;
    version[8] = 9;
    write(version);
    CHECK(error_of().find("version 9") != std::string::npos);
    CHECK_THROWS(DatasetFile((dir / "missing.mgd").string()));
    fs::remove_all(dir);
}

TEST_CASE("splits: paper shuffles chunks 70:20:10, clip keeps clips whole, both seeded") {
    fs::path dir = temp_dir("split");
    std::string path = (dir / "d.mgd").string();
    write_dataset(path, small_contents(10));  // 100 clips, 300 chunks
    DatasetFile d(path);
    Split p = make_split(d, "paper", 1);
    CHECK(p.train.size() == 210);
    CHECK(p.test.size() == 60);
    CHECK(p.val.size() == 30);
    std::set<int> all(p.train.begin(), p.train.end());
    all.insert(p.test.begin(), p.test.end());
    all.insert(p.val.begin(), p.val.end());
    CHECK(all.size() == 300);  // a partition: nothing lost, nothing twice
    CHECK(make_split(d, "paper", 1).train == p.train);
    CHECK(make_split(d, "paper", 2).train != p.train);

    Split c = make_split(d, "clip", 1);
    CHECK(c.train.size() == 210);  // 7 of 10 clips per genre, 3 chunks each
    std::set<uint32_t> train_clips, test_clips;
    for (int i : c.train) train_clips.insert(d.chunks()[i].clip);
    for (int i : c.test) test_clips.insert(d.chunks()[i].clip);
    for (uint32_t clip : test_clips) CHECK(train_clips.count(clip) == 0);
    std::vector<int> per_genre(10, 0);
    for (uint32_t clip : train_clips) per_genre[d.clips()[clip].genre]++;
    for (int n : per_genre) CHECK(n == 7);
    CHECK_THROWS_WITH_AS(make_split(d, "random", 1), doctest::Contains("unknown split"), std::invalid_argument);
    fs::remove_all(dir);
}

TEST_CASE("splits: fault-filtered uses the embedded Kereliuk et al. lists") {
    // The embedded lists equal the committed text files (tools/embed_splits.py keeps them in sync).
    const char* embedded[3] = {kFaultFiltered_train, kFaultFiltered_valid, kFaultFiltered_test};
    const char* files[3] = {"train", "valid", "test"};
    size_t expected[3] = {443, 197, 290};
    for (int i = 0; i < 3; i++) {
        std::ifstream f(std::string("experiments/gtzan/splits/") + files[i] + "_filtered.txt");
        REQUIRE(f);
        std::vector<std::string> from_file, from_binary;
        std::string w;
        while (f >> w) from_file.push_back(w);
        std::istringstream is(embedded[i]);
        while (is >> w) from_binary.push_back(w);
        CHECK(from_binary == from_file);
        CHECK(from_binary.size() == expected[i]);
    }
    fs::path dir = temp_dir("ff");
    std::string path = (dir / "d.mgd").string();
    write_dataset(path, small_contents(100));  // every GTZAN name exists once
    DatasetFile d(path);
    Split s = make_split(d, "fault-filtered", 0);
    CHECK(s.train.size() == 443 * 3);
    CHECK(s.val.size() == 197 * 3);
    CHECK(s.test.size() == 290 * 3);
    CHECK(s.excluded_clips == 70);
    CHECK(s.missing.empty());
    fs::remove_all(dir);
}

TEST_CASE("scan: both layouts, stray files and missing genres reported") {
    fs::path dir = temp_dir("scan");
    fs::create_directories(dir / "Data/genres_original/blues");
    fs::create_directories(dir / "Data/genres_original/jazz");
    std::ofstream(dir / "Data/genres_original/blues/blues.00000.wav") << "x";
    std::ofstream(dir / "Data/genres_original/blues/blues.00001.au") << "x";
    std::ofstream(dir / "Data/genres_original/blues/notes.txt") << "x";
    std::ofstream(dir / "Data/genres_original/jazz/jazz.00054.wav") << "";
    fs::create_directories(dir / "Data/genres_original/polka");  // an eleventh genre is named, not silently skipped
    std::ofstream(dir / "Data/genres_original/polka/polka.00000.wav") << "x";
    std::ofstream(dir / "Data/genres_original/readme.txt") << "x";
    DatasetScan s = scan_gtzan(dir.string());
    CHECK(s.clips.size() == 3);
    CHECK(s.per_class[0] == 2);
    CHECK(s.per_class[5] == 1);
    CHECK(s.clips[1].name == "blues/blues.00001.au");
    std::string report = describe_scan(s);
    CHECK(report.find("notes.txt") != std::string::npos);
    CHECK(report.find("not a GTZAN genre folder, ignored: " + (dir / "Data/genres_original/polka").string()) !=
          std::string::npos);
    CHECK(report.find("not a genre folder, ignored: " + (dir / "Data/genres_original/readme.txt").string()) !=
          std::string::npos);
    CHECK(report.find("genre folder missing") != std::string::npos);
    CHECK(report.find("classical") != std::string::npos);
    CHECK_THROWS_WITH(scan_gtzan((dir / "nope").string()), doctest::Contains("no such directory"));
    fs::create_directories(dir / "empty");
    CHECK_THROWS_WITH(scan_gtzan((dir / "empty").string()), doctest::Contains("no GTZAN genre folders"));
    fs::remove_all(dir);
}

TEST_CASE("metrics: confusion, precision, recall, F1 by hand") {
    Confusion c(2);
    // truth 0: 3 right, 1 wrong; truth 1: 2 right, 2 wrong
    for (int i = 0; i < 3; i++) c.add(0, 0);
    c.add(0, 1);
    c.add(1, 1); c.add(1, 1);
    c.add(1, 0); c.add(1, 0);
    CHECK(c.accuracy() == doctest::Approx(5.0 / 8));
    CHECK(c.precision(0) == doctest::Approx(3.0 / 5));
    CHECK(c.recall(0) == doctest::Approx(3.0 / 4));
    CHECK(c.f1(0) == doctest::Approx(2 * 0.6 * 0.75 / 1.35));
    CHECK(c.precision(1) == doctest::Approx(2.0 / 3));
    CHECK(c.recall(1) == doctest::Approx(0.5));
}
