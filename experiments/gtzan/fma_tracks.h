// FMA's track list (Defferrard et al., "FMA: A Dataset for Music Analysis", github.com/mdeff/fma):
// fma_metadata/tracks.csv, one row per track, 50-odd columns under a header of two rows, the way pandas
// writes a two-level column index (FMA's own code reads it with read_csv(header=[0, 1], index_col=0)):
//
//   ,album,album,...,set,set,track,track,...          row 1: the column's group
//   ,comments,date_created,...,split,subset,...,genre_top,...   row 2: the column's name in its group
//   track_id,,,,...                                   (pandas' index-name row; accepted when present)
//   2,0,2008-11-26 01:44:45,...,training,small,...,Hip-Hop,...
//
// Fields in quotes may hold commas and line breaks (titles, artist biographies). melgrad needs three columns,
// found by their two header rows, wherever they are: (track, genre_top) the label, one of 16 top-level
// genres or empty; (set, split) training | validation | test; (set, subset) small | medium | large.
#pragma once
#include <string>
#include <vector>

namespace melgrad::gtzan {

struct FmaTrack {
    long id = 0;            // track_id: the audio is fma_<subset>/NNN/NNNNNN.mp3 (id with 6 digits, its first 3)
    std::string genre_top;  // empty when the track has no single top-level genre
    std::string split;      // training | validation | test
    std::string subset;     // small | medium | large
};

// Every track of tracks.csv's text (`where` names the file in errors: a missing column, a bad track id,
// "tracks.csv:LINE: ..."). Rows are checked as they are read; the file is not kept in memory twice.
std::vector<FmaTrack> read_fma_tracks(const std::string& csv_text, const std::string& where);

// small < medium < large: a track belongs to a subset and to every larger one (fma_medium holds the small
// tracks too). -1 for anything else.
int fma_subset_rank(const std::string& subset);

// "fma_small/000/000002.mp3" for track 2 in subset small.
std::string fma_audio_path(const std::string& subset, long track_id);

}  // namespace melgrad::gtzan
