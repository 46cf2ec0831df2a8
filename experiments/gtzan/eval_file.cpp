#include "experiments/gtzan/eval_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "framework/atomic_file.h"
#include "framework/input_file.h"
#include "experiments/json.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {
namespace {

Json count(long v) { return Json::of(static_cast<double>(v)); }

Json part_json(const PartScores& p) {
    Json j = Json::new_object();
    j.add("name", Json::of(p.name)).add("chunks", count(p.chunks)).add("clips", count(p.clips));
    j.add("chunk_accuracy", Json::of(p.chunk_accuracy)).add("clip_accuracy", Json::of(p.clip_accuracy));
    j.add("loss", Json::of(p.loss));
    return j;
}

Json genre_json(const GenreScores& g) {
    Json j = Json::new_object();
    j.add("genre", Json::of(g.genre)).add("precision", Json::of(g.precision)).add("recall", Json::of(g.recall));
    j.add("f1", Json::of(g.f1)).add("support", count(g.support));
    return j;
}

// Reads the members of one object; every error names the file and the member's path ("parts[1].loss").
class Fields {
public:
    Fields(const Json& object, std::string path, const std::string& source)
        : object_(object), path_(std::move(path)), source_(source) {
        if (object.type != Json::Type::object)
            throw std::runtime_error(source_ + ": " + (path_.empty() ? "the file" : "\"" + path_ + "\"") +
                                     " should be an object {...}");
    }
    const Json& get(const std::string& key, Json::Type type, const char* what) const {
        const Json* v = object_.find(key);
        if (!v) throw std::runtime_error(source_ + ": no member \"" + name(key) + "\"");
        if (v->type != type) fail(name(key), what);
        return *v;
    }
    std::string text(const std::string& key) const { return get(key, Json::Type::string, "a string").string; }
    bool flag(const std::string& key) const { return get(key, Json::Type::boolean, "true or false").boolean; }
    double number(const std::string& key) const {  // null: not a number (NaN)
        const Json* v = object_.find(key);
        if (v && v->type == Json::Type::null) return NAN;
        return get(key, Json::Type::number, "a number").number;
    }
    long whole(const std::string& key) const {
        const double v = get(key, Json::Type::number, "a whole number").number;
        if (v != std::floor(v) || v < 0) fail(name(key), "a whole number >= 0");
        return static_cast<long>(v);
    }
    const std::vector<Json>& list(const std::string& key) const {
        return get(key, Json::Type::array, "a list [...]").array;
    }
    std::string name(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

private:
    const Json& object_;
    std::string path_;
    const std::string& source_;
    [[noreturn]] void fail(const std::string& what, const char* expected) const {
        throw std::runtime_error(source_ + ": \"" + what + "\" should be " + expected);
    }
};

PartScores read_part(const Fields& f) {
    PartScores p;
    p.name = f.text("name");
    p.chunks = f.whole("chunks");
    p.clips = f.whole("clips");
    p.chunk_accuracy = f.number("chunk_accuracy");
    p.clip_accuracy = f.number("clip_accuracy");
    p.loss = f.number("loss");
    return p;
}

GenreScores read_genre(const Fields& f) {
    return {f.text("genre"), f.number("precision"), f.number("recall"), f.number("f1"), f.whole("support")};
}

}  // namespace

std::string eval_json_text(const EvalResults& r) {
    Json j = Json::new_object();
    j.add("format", Json::of("melgrad-eval")).add("version", Json::of(double(kEvalFormatVersion)));
    j.add("run", Json::of(r.run)).add("model", Json::of(r.model)).add("epoch", Json::of(double(r.epoch)));
    j.add("split", Json::of(r.split)).add("split_description", Json::of(r.split_description));
    j.add("data", Json::of(r.data)).add("synthetic", Json::of(r.synthetic));
    if (r.layout != "gtzan") j.add("layout", Json::of(r.layout));  // absent for GTZAN: its eval.json as before
    Json parts = Json::new_array(), genres = Json::new_array();
    for (const PartScores& p : r.parts) parts.array.push_back(part_json(p));
    for (const GenreScores& g : r.test_per_genre) genres.array.push_back(genre_json(g));
    j.add("parts", parts).add("test_per_genre", genres);
    return json_text(j);
}

EvalResults parse_eval_json(const std::string& text, const std::string& source) {
    const Json doc = parse_json(text, source);
    const Fields f(doc, "", source);
    if (f.text("format") != "melgrad-eval") throw std::runtime_error(source + ": \"format\" is not melgrad-eval");
    const double version = f.number("version");
    if (version != kEvalFormatVersion)
        throw std::runtime_error(source + ": version " + json_number(version) + ", this melgrad reads version " +
                                 std::to_string(kEvalFormatVersion) + " (run melgrad eval again)");
    EvalResults r;
    r.run = f.text("run");
    r.model = f.text("model");
    r.epoch = static_cast<int>(f.whole("epoch"));
    r.split = f.text("split");
    r.split_description = f.text("split_description");
    r.data = f.text("data");
    r.synthetic = f.flag("synthetic");
    if (doc.find("layout")) r.layout = f.text("layout");
    const auto& parts = f.list("parts");
    for (size_t i = 0; i < parts.size(); i++)
        r.parts.push_back(read_part(Fields(parts[i], "parts[" + std::to_string(i) + "]", source)));
    const auto& genres = f.list("test_per_genre");
    for (size_t i = 0; i < genres.size(); i++)
        r.test_per_genre.push_back(read_genre(Fields(genres[i], "test_per_genre[" + std::to_string(i) + "]", source)));
    return r;
}

EvalResults read_eval_json(const std::string& path) {
    return parse_eval_json(read_regular_file(path, size_t(64) << 20), path);  // eval.json is kilobytes
}

void write_eval_files(const std::string& run_dir, const EvalResults& r) {
    write_file_atomically((fs::path(run_dir) / kEvalJsonFile).string(), eval_json_text(r));
    write_file_atomically((fs::path(run_dir) / kEvalTextFile).string(), eval_table_text(r));
}

}  // namespace melgrad::gtzan
