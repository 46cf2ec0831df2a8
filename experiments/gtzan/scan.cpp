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

}  // namespace

GtzanScan scan_gtzan(const std::string& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) throw std::runtime_error(dir + ": no such directory");
    if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir + ": not a directory");
    fs::path root = find_root(dir);
    if (root.empty())
        throw std::runtime_error(dir + ": no GTZAN genre folders found (expected genres/<genre>/ or "
                                 "genres_original/<genre>/, optionally under Data/)");
    GtzanScan s;
    s.root = root.string();
    s.per_genre.assign(gtzan_genre_names().size(), 0);
    s.synthetic = fs::exists(root.parent_path() / "SYNTHETIC.txt", ec) || fs::exists(root / "SYNTHETIC.txt", ec);
    for (size_t g = 0; g < gtzan_genre_names().size(); g++) {
        const std::string& genre = gtzan_genre_names()[g];
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
            s.clips.push_back({(int)g, number, p.string(), genre + "/" + file});
            s.per_genre[g]++;
        }
        if (s.per_genre[g] != 100 && !s.synthetic)
            s.problems.push_back(genre + ": " + std::to_string(s.per_genre[g]) + " clips (GTZAN has 100)");
    }
    if (s.clips.empty()) throw std::runtime_error(dir + ": genre folders found under " + s.root + " but no clips in them");
    return s;
}

std::string describe_scan(const GtzanScan& s) {
    std::ostringstream os;
    os << "found " << s.clips.size() << " clips in " << s.root << (s.synthetic ? " (SYNTHETIC stand-in, not GTZAN)" : "")
       << "\n  per genre:";
    for (size_t g = 0; g < s.per_genre.size(); g++) os << " " << gtzan_genre_names()[g] << " " << s.per_genre[g];
    for (auto& p : s.problems) os << "\n  note: " << p;
    return os.str();
}

}  // namespace melgrad::gtzan
