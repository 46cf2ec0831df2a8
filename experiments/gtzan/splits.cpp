#include "experiments/gtzan/splits.h"

#include <map>
#include <sstream>
#include <stdexcept>

#include "experiments/gtzan/dataset_file.h"
#include "framework/rng.h"

namespace melgrad::gtzan {

const std::vector<std::string>& split_names() {
    static const std::vector<std::string> names = {"paper", "clip", "fault-filtered", "fma"};
    return names;
}

namespace {

// "blues/blues.00012.wav" and "blues/blues.00012.au" are the same clip: compare without the extension.
std::string clip_key(const std::string& name) {
    auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

// FMA's own split (80:10:10 by artist, stratified by genre), one letter per clip in the dataset's header.
void fma_split(const DatasetFile& data, Split& s);

void add_clip_chunks(const DatasetFile& data, int clip, std::vector<int>& out) {
    const ClipEntry& c = data.clips()[clip];
    for (uint32_t i = 0; i < c.n_chunks; i++) out.push_back((int)(c.first_chunk + i));
}

void fma_split(const DatasetFile& data, Split& s) {
    const std::string parts = data.header_value("fma_split");
    if (parts.size() != data.clips().size())
        throw std::invalid_argument("split 'fma' is FMA's own split column, and " + data.path() +
                                    " has none (it was not preprocessed from an FMA folder): use --split clip");
    for (size_t i = 0; i < parts.size(); i++) {
        if (parts[i] != 't' && parts[i] != 'v' && parts[i] != 'e') {
            s.excluded_clips++;  // tracks.csv gave this track no split
            continue;
        }
        add_clip_chunks(data, (int)i, parts[i] == 't' ? s.train : parts[i] == 'v' ? s.val : s.test);
    }
}

// 70:20:10 of n items -> (train, test) counts; validation gets the rest.
std::pair<size_t, size_t> seventy_twenty(size_t n) {
    size_t train = (size_t)(n * 0.7 + 0.5), test = (size_t)(n * 0.2 + 0.5);
    if (train + test > n) test = n - train;
    return {train, test};
}

}  // namespace

Split make_split(const DatasetFile& data, const std::string& name, uint64_t seed) {
    Split s;
    s.name = name;
    Rng rng(seed);
    if (name == "paper") {
        std::vector<int> all(data.chunks().size());
        for (size_t i = 0; i < all.size(); i++) all[i] = (int)i;
        rng.shuffle(all.data(), all.size());
        auto [train, test] = seventy_twenty(all.size());
        s.train.assign(all.begin(), all.begin() + train);
        s.test.assign(all.begin() + train, all.begin() + train + test);
        s.val.assign(all.begin() + train + test, all.end());
    } else if (name == "clip") {
        std::vector<std::vector<int>> by_genre(data.genres().size());
        for (size_t i = 0; i < data.clips().size(); i++) by_genre[data.clips()[i].genre].push_back((int)i);
        for (auto& clips : by_genre) {
            rng.shuffle(clips.data(), clips.size());
            auto [train, test] = seventy_twenty(clips.size());
            for (size_t i = 0; i < clips.size(); i++)
                add_clip_chunks(data, clips[i], i < train ? s.train : i < train + test ? s.test : s.val);
        }
    } else if (name == "fma") {
        fma_split(data, s);
    } else if (name == "fault-filtered") {
        if (data.header_value("layout", "gtzan") != "gtzan")  // the lists name GTZAN's clips: nothing else would match
            throw std::invalid_argument("split 'fault-filtered' lists GTZAN clips, but " + data.path() + " is not GTZAN (layout " +
                                        data.header_value("layout") + "): use --split clip");
        std::map<std::string, int> where;  // clip key -> 0 train, 1 val, 2 test
        const char* lists[3] = {kFaultFiltered_train, kFaultFiltered_valid, kFaultFiltered_test};
        for (int part = 0; part < 3; part++) {
            std::istringstream is(lists[part]);
            std::string n;
            while (is >> n) where[clip_key(n)] = part;
        }
        std::map<std::string, bool> present;
        for (size_t i = 0; i < data.clips().size(); i++) {
            std::string key = clip_key(data.clips()[i].name);
            auto it = where.find(key);
            if (it == where.end()) { s.excluded_clips++; continue; }
            present[key] = true;
            add_clip_chunks(data, (int)i, it->second == 0 ? s.train : it->second == 1 ? s.val : s.test);
        }
        for (auto& kv : where)
            if (!present.count(kv.first)) s.missing.push_back(kv.first);
    } else {
        throw std::invalid_argument("unknown split '" + name + "' (known: paper, clip, fault-filtered, fma)");
    }
    if (s.train.empty() || s.val.empty() || s.test.empty())
        throw std::runtime_error("split '" + name + "' of " + data.path() + " leaves an empty part (train " +
                                 std::to_string(s.train.size()) + ", val " + std::to_string(s.val.size()) + ", test " +
                                 std::to_string(s.test.size()) + " chunks): too few clips");
    return s;
}

std::string describe_split(const Split& s) {
    std::ostringstream os;
    os << "split " << s.name << ": train " << s.train.size() << " / val " << s.val.size() << " / test " << s.test.size()
       << " chunks";
    if (s.name == "fault-filtered")
        os << " (" << s.excluded_clips << " clips in no list left out, " << s.missing.size() << " listed clips missing)";
    if (s.name == "paper") os << " (chunks shuffled before splitting: clips leak across the parts, as in the paper)";
    return os.str();
}

}  // namespace melgrad::gtzan
