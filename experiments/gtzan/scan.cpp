#include "experiments/gtzan/scan.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace melgrad::gtzan {

const std::vector<std::string>& gtzan_genre_names() {
    static const std::vector<std::string> names = {"blues", "classical", "country", "disco", "hiphop",
                                                   "jazz",  "metal",     "pop",     "reggae", "rock"};
    return names;
}

namespace {

bool holds_genre_folders(const fs::path& p) {
    std::error_code ec;
    int found = 0;
    for (auto& g : gtzan_genre_names()) found += fs::is_directory(p / g, ec) ? 1 : 0;
    return found > 0;
}

fs::path find_root(const fs::path& dir) {
    for (const fs::path& base : {dir, dir / "Data", dir / "data"})
        for (const char* sub : {"genres_original", "genres", ""}) {
            fs::path p = *sub ? base / sub : base;
            if (holds_genre_folders(p)) return p;
        }
    return {};
}

// "blues.00012.wav" in folder "blues" -> 12, or -1 when the name does not follow GTZAN's pattern.
int clip_number(const std::string& file, const std::string& genre) {
    static const char* exts[] = {".wav", ".au", ".mp3", ".flac", ".ogg"};
    if (file.rfind(genre + ".", 0) != 0) return -1;
    std::string rest = file.substr(genre.size() + 1);
    auto dot = rest.find('.');
    if (dot != 5 || !std::all_of(rest.begin(), rest.begin() + 5, ::isdigit)) return -1;
    std::string ext = rest.substr(5);
    for (const char* e : exts)
        if (ext == e) return std::stoi(rest.substr(0, 5));
    return -1;
}

// Every folder in `p` is a GTZAN genre and at least one holds a GTZAN-named clip: a user's own "blues" and
// "rock" folders of freely named songs, or a collection with more folders than GTZAN's, are not GTZAN.
bool only_gtzan_folders_with_clips(const fs::path& p) {
    std::error_code ec;
    const auto& names = gtzan_genre_names();
    bool clip_seen = false;
    for (auto& e : fs::directory_iterator(p, ec)) {
        const std::string name = e.path().filename().string();
        if (!e.is_directory(ec) || name[0] == '.') continue;
        if (std::find(names.begin(), names.end(), name) == names.end()) return false;
        for (auto& f : fs::directory_iterator(e.path(), ec))
            clip_seen = clip_seen || clip_number(f.path().filename().string(), name) >= 0;
    }
    return clip_seen;
}

bool looks_like_gtzan(const std::string& dir) {
    const fs::path root = find_root(dir);
    if (root.empty()) return false;
    const std::string name = root.filename().string();
    return name == "genres" || name == "genres_original" || only_gtzan_folders_with_clips(root);
}

}  // namespace

void check_is_directory(const std::string& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) throw std::runtime_error(dir + ": no such directory");
    if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir + ": not a directory");
}

DatasetScan scan_gtzan(const std::string& dir) {
    check_is_directory(dir);
    fs::path root = find_root(dir);
    if (root.empty())
        throw std::runtime_error(dir + ": no GTZAN genre folders found (expected genres/<genre>/ or "
                                 "genres_original/<genre>/, optionally under Data/)");
    DatasetScan s;
    s.root = root.string();
    s.layout = "gtzan";
    s.classes = gtzan_genre_names();
    s.per_class.assign(s.classes.size(), 0);
    std::error_code ec;
    s.synthetic = fs::exists(root.parent_path() / "SYNTHETIC.txt", ec) || fs::exists(root / "SYNTHETIC.txt", ec);
    // Anything beside the ten genre folders is named, never silently left out (a "polka/" folder of clips).
    std::vector<fs::path> beside;
    for (auto& e : fs::directory_iterator(root, ec)) beside.push_back(e.path());
    std::sort(beside.begin(), beside.end());
    for (const fs::path& p : beside) {
        const std::string name = p.filename().string();
        const bool genre = std::find(s.classes.begin(), s.classes.end(), name) != s.classes.end();
        if (!genre && name[0] != '.' && name != "SYNTHETIC.txt")
            s.problems.push_back(std::string(fs::is_directory(p, ec) ? "not a GTZAN genre folder" : "not a genre folder") +
                                 ", ignored: " + p.string());
    }
    for (size_t g = 0; g < s.classes.size(); g++) {
        const std::string& genre = s.classes[g];
        fs::path folder = root / genre;
        if (!fs::is_directory(folder, ec)) {
            s.problems.push_back("genre folder missing: " + folder.string());
            continue;
        }
        std::vector<fs::path> entries;
        for (auto& e : fs::directory_iterator(folder, ec)) entries.push_back(e.path());
        std::sort(entries.begin(), entries.end());
        for (auto& p : entries) {
            std::string file = p.filename().string();
            int number = fs::is_regular_file(p, ec) ? clip_number(file, genre) : -1;
            if (number < 0) {
                if (file[0] != '.') s.problems.push_back("not a GTZAN clip name, ignored: " + p.string());
                continue;
            }
            s.clips.push_back({(int)g, number, p.string(), genre + "/" + file, ""});
            s.per_class[g]++;
        }
        if (s.per_class[g] != 100 && !s.synthetic)
            s.problems.push_back(genre + ": " + std::to_string(s.per_class[g]) + " clips (GTZAN has 100)");
    }
    if (s.clips.empty()) throw std::runtime_error(dir + ": genre folders found under " + s.root + " but no clips in them");
    return s;
}

DatasetScan scan_dataset(const std::string& dir, const ScanOptions& o) {
    const std::string no_subset = "--subset chooses an FMA subset: it needs an FMA folder (fma_metadata/tracks.csv)";
    if (o.layout == "gtzan") {
        if (!o.classes.empty())
            throw std::invalid_argument("--classes chooses class folders: it needs --layout folders (GTZAN has its ten genres)");
        if (!o.subset.empty()) throw std::invalid_argument(no_subset);
        return scan_gtzan(dir);
    }
    if (o.layout == "fma") return scan_fma(dir, o.subset, o.classes);
    if (o.layout != "auto" && o.layout != "folders")
        throw std::invalid_argument("--layout " + o.layout + ": expected auto, gtzan, folders or fma");
    check_is_directory(dir);
    std::error_code ec;
    if (o.layout == "auto" && fs::is_regular_file(fs::path(dir) / "fma_metadata" / "tracks.csv", ec))
        return scan_fma(dir, o.subset, o.classes);
    if (!o.subset.empty()) throw std::invalid_argument(no_subset);
    if (o.layout == "folders") return scan_folders(dir, o.classes);
    return o.classes.empty() && looks_like_gtzan(dir) ? scan_gtzan(dir) : scan_folders(dir, o.classes);
}

std::string describe_scan(const DatasetScan& s) {
    std::ostringstream os;
    const bool gtzan = s.layout == "gtzan";
    os << "found " << s.clips.size() << " clips in " << s.root << (s.synthetic ? " (SYNTHETIC stand-in, not GTZAN)" : "");
    if (s.layout == "folders") os << " (one folder per class, " << s.classes.size() << " classes)";
    if (s.layout == "fma") os << " (FMA, " << s.classes.size() << " top-level genres)";
    os << (gtzan ? "\n  per genre:" : "\n  per class:");
    size_t line_length = 0;
    for (size_t g = 0; g < s.per_class.size(); g++) {
        std::string item = " " + s.classes[g] + " " + std::to_string(s.per_class[g]);
        if (!gtzan && line_length + item.size() > 100) {  // hundreds of classes: several short lines
            os << "\n             ";
            line_length = 0;
        }
        os << item;
        line_length += item.size();
    }
    const size_t shown = std::min<size_t>(s.problems.size(), 50);
    for (size_t i = 0; i < shown; i++) os << "\n  note: " << s.problems[i];
    if (shown < s.problems.size()) os << "\n  note: ... and " << s.problems.size() - shown << " more notes";
    return os.str();
}

}  // namespace melgrad::gtzan
