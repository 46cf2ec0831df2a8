#include "experiments/gtzan/preprocess.h"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "audio/decode.h"
#include "experiments/gtzan/class_names.h"
#include "experiments/gtzan/dataset_file.h"
#include "experiments/progress.h"
#include "framework/backend.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {

namespace {

// The header lines that describe how the dataset was made beyond the features: the layout of anything but
// GTZAN, and the clip window when one was set. None of them for a plain GTZAN run, whose dataset file (and
// fingerprint) stay what they were before other layouts existed. (The class names are the genres= line.)
std::map<std::string, std::string> provenance(const DatasetScan& scan, const ClipWindow& window) {
    std::map<std::string, std::string> h = window.to_header();
    if (scan.layout != "gtzan") h["layout"] = scan.layout;
    return h;
}

// A hash of everything the output depends on: the settings and each input file's path, size and mtime.
std::string fingerprint(const DatasetScan& scan, const PreprocessOptions& o) {
    std::string text;
    for (auto& kv : o.features.to_header()) text += kv.first + "=" + kv.second + ";";
    for (auto& kv : provenance(scan, o.window)) text += kv.first + "=" + kv.second + ";";
    if (scan.layout != "gtzan") text += "classes=" + join_class_names(scan.classes) + ";";
    for (auto& clip : scan.clips) text += clip.split.substr(0, 2);  // FMA's split column may change alone
    for (auto& clip : scan.clips) {
        std::error_code ec;
        auto size = fs::file_size(clip.path, ec);
        auto time = fs::last_write_time(clip.path, ec).time_since_epoch().count();
        text += clip.path + ":" + std::to_string(size) + ":" + std::to_string(time) + ";";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)fnv1a64_words(text.data(), text.size()));
    return buf;
}

// An existing output made from the same inputs and settings (same fingerprint) is reused: true, and `r`
// describes it. An unreadable or different one is rebuilt.
bool reuse_if_up_to_date(const PreprocessOptions& o, const std::string& print, PreprocessResult& r) {
    if (o.force || !fs::exists(o.out)) return false;
    try {
        DatasetFile existing(o.out);
        if (existing.header_value("fingerprint") != print) return false;
        r.reused = true;
        r.clips_used = existing.clips().size();
        r.chunks = existing.chunks().size();
        if (!o.quiet) std::fprintf(stderr, "%s is up to date (same inputs and settings): reusing it\n", o.out.c_str());
        return true;
    } catch (const std::exception& e) {
        if (!o.quiet) std::fprintf(stderr, "rebuilding %s: %s\n", o.out.c_str(), e.what());
        return false;
    }
}

// Every clip's chunks, or why it has none: clip i's result is chunks[i] (starting at frames start_frames[i])
// or, when it failed, errors[i].
struct ClipFeatures {
    std::vector<std::vector<std::vector<float>>> chunks;
    std::vector<std::vector<uint32_t>> start_frames;
    std::vector<std::string> errors;
};

// One clip's chunks within the window, at most max_chunks of them, and where each starts (in frames from the
// start of the file).
void clip_features(const std::string& path, const PreprocessOptions& o, std::vector<std::vector<float>>& chunks,
                   std::vector<uint32_t>& start_frames) {
    audio::LoadOptions load;
    load.sr = o.features.sample_rate;
    audio::Audio a = audio::load_audio(path, load);
    const std::vector<float> samples = window_samples(a.samples, a.sample_rate, o.window);
    std::vector<std::vector<float>> all = clip_chunks(samples, o.features);
    if (all.empty())
        throw std::runtime_error(path + ": too short for one chunk (" + std::to_string(samples.size()) + " samples" +
                                 (o.window.offset > 0 || o.window.duration > 0 ? " in the --offset/--duration window)" : ")"));
    const uint32_t first_frame = (uint32_t)std::llround(o.window.offset * o.features.sample_rate / o.features.hop_length);
    for (size_t k : evenly_spaced_chunks(all.size(), o.window.max_chunks)) {
        chunks.push_back(std::move(all[k]));
        start_frames.push_back(first_frame + (uint32_t)(k * o.features.chunk_frames));
    }
}

// Decodes every clip and computes its chunks, clips in parallel.
ClipFeatures compute_features(const DatasetScan& scan, const PreprocessOptions& o) {
    size_t n = scan.clips.size();
    ClipFeatures f;
    f.chunks.resize(n);
    f.start_frames.resize(n);
    f.errors.resize(n);
    ProgressBar bar("preprocess", (long long)n, "clips");
    long long done = 0;
#pragma omp parallel for schedule(dynamic) num_threads(num_threads())
    for (size_t i = 0; i < n; i++) {
        try {
            clip_features(scan.clips[i].path, o, f.chunks[i], f.start_frames[i]);
        } catch (const std::exception& e) {
            f.chunks[i].clear();
            f.errors[i] = e.what();
        }
#pragma omp critical
        {
            done++;
            if (!o.quiet) bar.update(done);
        }
    }
    if (!o.quiet) bar.finish();
    return f;
}

// FMA's split as one letter (t training, v validation, e test; ? when tracks.csv names none).
char split_letter(const std::string& split) {
    return split == "training" ? 't' : split == "validation" ? 'v' : split == "test" ? 'e' : '?';
}

// The dataset file's contents: the clips that worked, in scan order; the failures go to r.failed.
DatasetContents assemble(const DatasetScan& scan, const PreprocessOptions& o, const std::string& print,
                         ClipFeatures& f, PreprocessResult& r) {
    DatasetContents c;
    c.genres = scan.classes;
    c.n_mels = o.features.n_mels;
    c.chunk_frames = o.features.chunk_frames;
    c.header = o.features.to_header();
    c.header["fingerprint"] = print;
    c.header["source"] = scan.root;
    c.header["synthetic"] = scan.synthetic ? "1" : "0";
    for (auto& kv : provenance(scan, o.window)) c.header[kv.first] = kv.second;
    // one allocation for all the data (~650 MB for GTZAN): growing it chunk by chunk copied it over and over
    // into fresh pages, a third of the whole preprocessing time
    size_t floats = 0;
    for (size_t i = 0; i < f.chunks.size(); i++)
        if (f.errors[i].empty()) floats += f.chunks[i].size() * size_t(c.n_mels) * c.chunk_frames;
    c.data.reserve(floats);
    std::string fma_split;  // one letter per clip kept: FMA's own split, for `melgrad train --split fma`
    for (size_t i = 0; i < f.chunks.size(); i++) {
        if (!f.errors[i].empty()) { r.failed.push_back(f.errors[i]); continue; }
        ClipEntry clip;
        clip.genre = scan.clips[i].label;
        clip.name = scan.clips[i].name;
        clip.first_chunk = (uint32_t)c.chunks.size();
        clip.n_chunks = (uint32_t)f.chunks[i].size();
        for (size_t k = 0; k < f.chunks[i].size(); k++) {
            c.chunks.push_back({(uint32_t)c.clips.size(), f.start_frames[i][k]});
            c.data.insert(c.data.end(), f.chunks[i][k].begin(), f.chunks[i][k].end());
        }
        std::vector<std::vector<float>>().swap(f.chunks[i]);  // free as we go: the data is ~650 MB for GTZAN
        c.clips.push_back(clip);
        if (scan.layout == "fma") fma_split += split_letter(scan.clips[i].split);
    }
    if (scan.layout == "fma") c.header["fma_split"] = fma_split;
    return c;
}

}  // namespace

PreprocessResult preprocess(const PreprocessOptions& o) {
    auto start = std::chrono::steady_clock::now();
    o.features.validate();
    o.window.validate();
    if (o.out.empty()) throw std::invalid_argument("-o DATASET.mgd is required");
    DatasetScan scan = scan_dataset(o.dir, o.scan);
    PreprocessResult r;
    r.clips_found = scan.clips.size();
    r.synthetic = scan.synthetic;
    if (!o.quiet) std::fprintf(stderr, "%s\n", describe_scan(scan).c_str());
    std::string print = fingerprint(scan, o);
    if (reuse_if_up_to_date(o, print, r)) return r;

    set_num_threads(o.threads);
    ClipFeatures features = compute_features(scan, o);
    DatasetContents c = assemble(scan, o, print, features, r);
    if (c.clips.empty())
        throw std::runtime_error(o.dir + ": none of the " + std::to_string(scan.clips.size()) +
                                 " clips could be read (first error: " + (r.failed.empty() ? "?" : r.failed[0]) + ")");
    write_dataset(o.out, c);
    r.clips_used = c.clips.size();
    r.chunks = c.chunks.size();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace melgrad::gtzan
