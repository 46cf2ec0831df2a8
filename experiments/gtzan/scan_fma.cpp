// scan_fma(): the Free Music Archive's layout (see scan.h and fma_tracks.h).
#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "experiments/gtzan/fma_tracks.h"
#include "experiments/gtzan/scan.h"
#include "framework/input_file.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {

namespace {

constexpr size_t kMaxTracksCsvBytes = size_t(1) << 30;  // FMA's is 250 MB

// --subset, or the smallest subset whose audio folder is there.
std::string choose_subset(const fs::path& root, const std::string& subset) {
    if (!subset.empty()) {
        if (fma_subset_rank(subset) < 0)
            throw std::invalid_argument("--subset " + subset + ": expected small, medium or large");
        if (!fs::is_directory(root / ("fma_" + subset)))
            throw std::runtime_error((root / ("fma_" + subset)).string() + ": no such folder (the audio of --subset " +
                                     subset + ")");
        return subset;
    }
    for (const char* s : {"small", "medium", "large"})
        if (fs::is_directory(root / (std::string("fma_") + s))) return s;
    throw std::runtime_error(root.string() + ": fma_metadata/tracks.csv but no fma_small, fma_medium or fma_large folder");
}

// The classes: every top-level genre of the subset's tracks, sorted, or the ones --classes names.
std::vector<std::string> fma_classes(const std::vector<FmaTrack>& tracks, int rank, const std::vector<std::string>& wanted,
                                     const std::string& csv) {
    std::set<std::string> genres;
    for (const FmaTrack& t : tracks)
        if (!t.genre_top.empty() && fma_subset_rank(t.subset) >= 0 && fma_subset_rank(t.subset) <= rank)
            genres.insert(t.genre_top);
    for (const std::string& name : wanted)
        if (!genres.count(name))
            throw std::runtime_error(csv + ": no track of this subset has the top-level genre '" + name +
                                     "' (named in --classes)");
    return wanted.empty() ? std::vector<std::string>(genres.begin(), genres.end()) : wanted;
}

}  // namespace

DatasetScan scan_fma(const std::string& dir, const std::string& subset_option, const std::vector<std::string>& wanted) {
    check_is_directory(dir);
    const fs::path root(dir), csv = root / "fma_metadata" / "tracks.csv";
    const std::vector<FmaTrack> tracks = read_fma_tracks(read_regular_file(csv.string(), kMaxTracksCsvBytes), csv.string());
    const std::string subset = choose_subset(root, subset_option);
    const int rank = fma_subset_rank(subset);
    DatasetScan s;
    s.root = dir;
    s.layout = "fma";
    s.classes = fma_classes(tracks, rank, wanted, csv.string());
    s.per_class.assign(s.classes.size(), 0);
    long no_genre = 0, other_genre = 0, missing = 0;
    std::string first_missing;
    for (const FmaTrack& t : tracks) {
        if (fma_subset_rank(t.subset) < 0 || fma_subset_rank(t.subset) > rank) continue;  // not in this subset
        if (t.genre_top.empty()) { no_genre++; continue; }
        const auto label = std::find(s.classes.begin(), s.classes.end(), t.genre_top);
        if (label == s.classes.end()) { other_genre++; continue; }
        const fs::path path = root / fma_audio_path(subset, t.id);
        if (!fs::is_regular_file(path)) {
            if (missing++ == 0) first_missing = path.string();
            continue;
        }
        const int c = (int)(label - s.classes.begin());
        s.clips.push_back({c, (int)t.id, path.string(), t.genre_top + "/" + path.filename().string(), t.split});
        s.per_class[c]++;
    }
    std::stable_sort(s.clips.begin(), s.clips.end(), [](const ScannedClip& a, const ScannedClip& b) { return a.label < b.label; });
    if (no_genre) s.problems.push_back(std::to_string(no_genre) + " tracks of fma_" + subset + " have no top-level genre: left out");
    if (other_genre) s.problems.push_back(std::to_string(other_genre) + " tracks of a genre not in --classes: left out");
    if (missing) s.problems.push_back(std::to_string(missing) + " tracks listed in tracks.csv have no audio file, e.g. " + first_missing);
    if (s.classes.size() < 2)
        throw std::runtime_error(csv.string() + ": " + std::to_string(s.classes.size()) + " top-level genre(s) in fma_" +
                                 subset + "; a classifier needs at least two");
    if (s.clips.empty()) throw std::runtime_error(dir + ": tracks.csv lists no track of fma_" + subset + " whose audio is there");
    return s;
}

}  // namespace melgrad::gtzan
