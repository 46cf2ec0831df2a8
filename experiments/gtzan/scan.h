// Finding GTZAN on disk. Two layouts are accepted, with or without a leading Data/ folder:
//   genres/<genre>/<genre>.NNNNN.au                 the original release (Sun .au)
//   genres_original/<genre>/<genre>.NNNNN.wav       the Kaggle copy
// (or DIR itself holding the ten genre folders). Anything else in the genre folders is reported, not used.
#pragma once
#include <string>
#include <vector>

namespace melgrad::gtzan {

const std::vector<std::string>& gtzan_genre_names();  // blues classical country ... rock (GTZAN's order)

struct ScannedClip {
    int genre = 0;
    int number = 0;        // NNNNN
    std::string path;      // full path
    std::string name;      // "blues/blues.00012.wav": how splits and reports name the clip
};

struct GtzanScan {
    std::string root;                   // the folder holding the genre folders
    std::vector<ScannedClip> clips;     // sorted by genre, then number
    std::vector<int> per_genre;         // clip count for each of the ten genres
    std::vector<std::string> problems;  // missing genres, stray files: reported, never fatal
    bool synthetic = false;             // a SYNTHETIC.txt marker next to the genre folders (melgrad synth-gtzan)
};

// Throws with a clear message when DIR does not exist or holds no usable clip at all.
GtzanScan scan_gtzan(const std::string& dir);
std::string describe_scan(const GtzanScan& s);  // a few lines for the terminal

}  // namespace melgrad::gtzan
