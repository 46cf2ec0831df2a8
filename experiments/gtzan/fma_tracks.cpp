#include "experiments/gtzan/fma_tracks.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "experiments/csv.h"

namespace melgrad::gtzan {

namespace {

// Where the needed columns are, from the two header rows.
struct FmaColumns {
    size_t genre_top = 0, split = 0, subset = 0;
};

FmaColumns find_columns(const CsvRecord& groups, const CsvRecord& names, const std::string& where) {
    auto find = [&](const char* group, const char* name) {
        for (size_t c = 0; c < groups.fields.size() && c < names.fields.size(); c++)
            if (groups.fields[c] == group && names.fields[c] == name) return c;
        throw std::runtime_error(where + ": no column (" + group + ", " + name + ") in its two header rows: not FMA's "
                                 "tracks.csv (expected rows like ',album,...,track' and ',comments,...,genre_top')");
    };
    return {find("track", "genre_top"), find("set", "split"), find("set", "subset")};
}

long track_id(const std::string& text, const std::string& where, int line) {
    char* end = nullptr;
    errno = 0;
    const long id = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end || errno == ERANGE || id < 0 || id > 999999)
        throw std::runtime_error(where + ":" + std::to_string(line) + ": track_id '" + text.substr(0, 40) +
                                 "' is not a number in 0..999999");
    return id;
}

}  // namespace

std::vector<FmaTrack> read_fma_tracks(const std::string& text, const std::string& where) {
    std::vector<FmaTrack> tracks;
    CsvRecord groups;
    FmaColumns col;
    size_t needed = 0;  // fields a data row must have
    int header_rows = 0;
    for_each_csv_record(text, where, [&](const CsvRecord& r) {
        if (header_rows == 0) { groups = r; header_rows++; return true; }
        if (header_rows == 1) {
            col = find_columns(groups, r, where);
            needed = std::max({col.genre_top, col.split, col.subset}) + 1;
            header_rows++;
            return true;
        }
        if (r.fields[0] == "track_id") return true;  // pandas' index-name row
        if (r.fields.size() < needed)
            throw std::runtime_error(where + ":" + std::to_string(r.line) + ": " + std::to_string(r.fields.size()) +
                                     " fields, the header has at least " + std::to_string(needed));
        tracks.push_back({track_id(r.fields[0], where, r.line), r.fields[col.genre_top], r.fields[col.split],
                          r.fields[col.subset]});
        return true;
    });
    if (header_rows < 2) throw std::runtime_error(where + ": fewer than two header rows: not FMA's tracks.csv");
    return tracks;
}

int fma_subset_rank(const std::string& subset) {
    return subset == "small" ? 0 : subset == "medium" ? 1 : subset == "large" ? 2 : -1;
}

std::string fma_audio_path(const std::string& subset, long track_id) {
    char id[16];
    std::snprintf(id, sizeof id, "%06ld", track_id);
    return "fma_" + subset + "/" + std::string(id, 3) + "/" + id + ".mp3";
}

}  // namespace melgrad::gtzan
