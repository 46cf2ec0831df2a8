#include "experiments/gtzan/preprocess.h"

#include <omp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "audio/decode.h"
#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/scan.h"
#include "experiments/progress.h"
#include "framework/backend.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {

namespace {

// A hash of everything the output depends on: the settings and each input file's path, size and mtime.
std::string fingerprint(const GtzanScan& scan, const FeatureSettings& s) {
    std::string text;
    for (auto& kv : s.to_header()) text += kv.first + "=" + kv.second + ";";
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

}  // namespace

PreprocessResult preprocess(const PreprocessOptions& o) {
    auto start = std::chrono::steady_clock::now();
    o.features.validate();
    if (o.out.empty()) throw std::invalid_argument("-o DATASET.mgd is required");
    GtzanScan scan = scan_gtzan(o.dir);
    PreprocessResult r;
    r.clips_found = scan.clips.size();
    r.synthetic = scan.synthetic;
    if (!o.quiet) std::fprintf(stderr, "%s\n", describe_scan(scan).c_str());
    std::string print = fingerprint(scan, o.features);
    if (!o.force && fs::exists(o.out)) {
        try {
            DatasetFile existing(o.out);
            if (existing.header_value("fingerprint") == print) {
                r.reused = true;
                r.clips_used = existing.clips().size();
                r.chunks = existing.chunks().size();
                if (!o.quiet)
                    std::fprintf(stderr, "%s is up to date (same inputs and settings): reusing it\n", o.out.c_str());
                return r;
            }
        } catch (const std::exception& e) {
            if (!o.quiet) std::fprintf(stderr, "rebuilding %s: %s\n", o.out.c_str(), e.what());
        }
    }

    set_num_threads(o.threads);
    size_t n = scan.clips.size();
    std::vector<std::vector<std::vector<float>>> chunks(n);
    std::vector<std::string> errors(n);
    ProgressBar bar("preprocess", (long long)n, "clips");
    long long done = 0;
    audio::LoadOptions load;
    load.sr = o.features.sample_rate;
#pragma omp parallel for schedule(dynamic) num_threads(num_threads())
    for (size_t i = 0; i < n; i++) {
        try {
            audio::Audio a = audio::load_audio(scan.clips[i].path, load);
            chunks[i] = clip_chunks(a.samples, o.features);
            if (chunks[i].empty()) errors[i] = scan.clips[i].path + ": too short for one chunk (" +
                                               std::to_string(a.samples.size()) + " samples)";
        } catch (const std::exception& e) {
            errors[i] = e.what();
        }
#pragma omp critical
        {
            done++;
            if (!o.quiet) bar.update(done);
        }
    }
    if (!o.quiet) bar.finish();

    DatasetContents c;
    c.genres = gtzan_genre_names();
    c.n_mels = o.features.n_mels;
    c.chunk_frames = o.features.chunk_frames;
    c.header = o.features.to_header();
    c.header["fingerprint"] = print;
    c.header["source"] = scan.root;
    c.header["synthetic"] = scan.synthetic ? "1" : "0";
    // one allocation for all the data (~650 MB for GTZAN): growing it chunk by chunk copied it over and over
    // into fresh pages, a third of the whole preprocessing time
    size_t floats = 0;
    for (size_t i = 0; i < n; i++)
        if (errors[i].empty()) floats += chunks[i].size() * size_t(c.n_mels) * c.chunk_frames;
    c.data.reserve(floats);
    for (size_t i = 0; i < n; i++) {
        if (!errors[i].empty()) { r.failed.push_back(errors[i]); continue; }
        ClipEntry clip;
        clip.genre = scan.clips[i].genre;
        clip.name = scan.clips[i].name;
        clip.first_chunk = (uint32_t)c.chunks.size();
        clip.n_chunks = (uint32_t)chunks[i].size();
        for (size_t k = 0; k < chunks[i].size(); k++) {
            c.chunks.push_back({(uint32_t)c.clips.size(), (uint32_t)(k * c.chunk_frames)});
            c.data.insert(c.data.end(), chunks[i][k].begin(), chunks[i][k].end());
        }
        std::vector<std::vector<float>>().swap(chunks[i]);  // free as we go: the data is ~650 MB for GTZAN
        c.clips.push_back(clip);
    }
    if (c.clips.empty())
        throw std::runtime_error(o.dir + ": none of the " + std::to_string(n) + " clips could be read (first error: " +
                                 (r.failed.empty() ? "?" : r.failed[0]) + ")");
    write_dataset(o.out, c);
    r.clips_used = c.clips.size();
    r.chunks = c.chunks.size();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace melgrad::gtzan
