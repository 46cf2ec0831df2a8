// Finding the clips of a dataset on disk, and their classes. Three layouts (`--layout`, auto-detected):
//
//   gtzan    GTZAN, with or without a leading Data/ folder, the class names fixed to GTZAN's ten genres:
//              genres/<genre>/<genre>.NNNNN.au                 the original release (Sun .au)
//              genres_original/<genre>/<genre>.NNNNN.wav       the Kaggle copy
//            (or DIR itself holding the genre folders). Anything else in the genre folders is reported, not used.
//   folders  your own collection, one folder per class (torchvision's ImageFolder convention):
//              DIR/<class>/**/<any name>.{wav,au,mp3,flac,ogg}
//            searched recursively, any file names; the classes are the folder names, sorted (or `classes`).
//   fma      the Free Music Archive: fma_metadata/tracks.csv and fma_small|medium|large/NNN/NNNNNN.mp3
//            (experiments/gtzan/fma_tracks.h); the classes are the top-level genres (track.genre_top), sorted,
//            and every clip keeps FMA's own training/validation/test split (`melgrad train --split fma`).
//
// Auto-detection picks fma when DIR holds fma_metadata/tracks.csv; gtzan when DIR holds genres/ or
// genres_original/ (optionally under Data/), or when every folder in DIR is a GTZAN genre name and holds
// GTZAN-named clips; anything else is read as folders.
#pragma once
#include <string>
#include <vector>

namespace melgrad::gtzan {

const std::vector<std::string>& gtzan_genre_names();  // blues classical country ... rock (GTZAN's order)

struct ScannedClip {
    int label = 0;         // index into DatasetScan::classes
    int number = 0;        // GTZAN: NNNNN; folders: the clip's place in its class (0, 1, ...)
    std::string path;      // full path
    std::string name;      // "blues/blues.00012.wav", "techno/Album 1/01 track.mp3", "Rock/000182.mp3"
    std::string split;     // fma: the dataset's own part, training | validation | test; empty otherwise
};

struct DatasetScan {
    std::string root;                   // the folder holding the class folders
    std::string layout;                 // "gtzan", "folders" or "fma"
    std::vector<std::string> classes;   // the label names, in label order
    std::vector<ScannedClip> clips;     // sorted by class, then number
    std::vector<int> per_class;         // clip count for each class
    std::vector<std::string> problems;  // missing classes, stray files: reported, never fatal
    bool synthetic = false;             // a SYNTHETIC.txt marker next to the genre folders (melgrad synth-gtzan)
};

struct ScanOptions {
    std::string layout = "auto";        // auto | gtzan | folders | fma
    std::vector<std::string> classes;   // folders, fma: use these classes, in this order (empty: all, sorted)
    std::string subset;                 // fma: small | medium | large (empty: the smallest one that is there)
};

// Throws with a clear message when DIR does not exist or holds no usable clip at all.
DatasetScan scan_dataset(const std::string& dir, const ScanOptions& options = {});
DatasetScan scan_gtzan(const std::string& dir);
DatasetScan scan_folders(const std::string& dir, const std::vector<std::string>& classes = {});
DatasetScan scan_fma(const std::string& dir, const std::string& subset = "", const std::vector<std::string>& classes = {});
std::string describe_scan(const DatasetScan& s);  // a few lines for the terminal

// "DIR: no such directory" or "DIR: not a directory", as a std::runtime_error; nothing when DIR is a folder.
void check_is_directory(const std::string& dir);

// The file types a folders dataset takes (lower case; the test is case-insensitive).
bool has_audio_extension(const std::string& file_name);

}  // namespace melgrad::gtzan
