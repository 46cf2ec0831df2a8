// melgrad preprocess: step 2 of the experiment — every clip of a dataset folder (GTZAN, or one folder per class)
// to chunks in one dataset file.
//   scan (experiments/gtzan/scan.h) -> for each clip, in parallel: decode to 22050 Hz mono, scaled mel,
//   chunks (experiments/gtzan/features.h) -> one .mgd file (experiments/gtzan/dataset_file.h).
// A clip that cannot be read is listed with the reason and left out (GTZAN's Kaggle copy has one,
// jazz.00054.wav); preprocessing fails only when no clip is usable. Re-running with the same inputs
// (paths, sizes, modification times) and settings reuses the existing file.
#pragma once
#include <string>
#include <vector>

#include "experiments/gtzan/clip_window.h"
#include "experiments/gtzan/features.h"
#include "experiments/gtzan/scan.h"

namespace melgrad::gtzan {

struct PreprocessOptions {
    std::string dir;     // GTZAN root (either layout), or a folder of class folders
    std::string out;     // dataset.mgd
    ScanOptions scan;    // --layout, --classes
    FeatureSettings features;
    ClipWindow window;   // --offset, --duration, --max-chunks-per-clip
    int threads = 0;     // 0 = all cores
    bool force = false;  // rebuild even when the existing file matches
    bool quiet = false;
};

struct PreprocessResult {
    size_t clips_found = 0, clips_used = 0, chunks = 0;
    std::vector<std::string> failed;  // "path: reason"
    bool reused = false;
    bool synthetic = false;
    double seconds = 0;
};

PreprocessResult preprocess(const PreprocessOptions& options);

}  // namespace melgrad::gtzan
