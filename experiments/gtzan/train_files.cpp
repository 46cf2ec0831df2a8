#include "experiments/gtzan/train_files.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "framework/atomic_file.h"
#include "framework/backend.h"
#include "framework/input_file.h"
#include "framework/optim/optimizer.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {

void write_text(const fs::path& p, const std::string& text) {
    write_file_atomically(p.string(), text);  // checked writes, never half a file
}

namespace {
const char kMetricsHeader[] = "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n";
constexpr size_t kMaxMetricsBytes = size_t(64) << 20;
}  // namespace

void write_settings(const fs::path& path, const DatasetFile& data, const Metadata& run_meta, Device device,
                    const Split& split, const std::string& data_parallel) {
    // gtzan, or the layout of anything else (folders: your own classes; fma), which is never called GTZAN
    const std::string layout = data.header_value("layout", "gtzan");
    std::string settings = data.synthetic() ? "provenance=synthetic (melgrad synth-gtzan stand-in, not GTZAN)\n"
                                            : "provenance=" + layout + " (" + data.header_value("source") + ")\n";
    for (auto& kv : run_meta)
        if (kv.first != "model_text") settings += kv.first + "=" + kv.second + "\n";
    settings += "device=" + std::string(device_name(device)) + "\nthreads=" + std::to_string(num_threads()) + "\n";
    settings += data_parallel;  // ranks, sync_bn, bucket_mb: how the run was trained (chapter 15)
    settings += describe_split(split) + "\n";
    write_text(path, settings);
}

void start_metrics(const fs::path& path) {
    write_text(path, kMetricsHeader);
}

void append_metrics_row(const fs::path& path, const EpochRow& r) {
    // metrics.csv is a few KB: rewriting it whole keeps it atomic (a crash leaves the old rows, never half a row)
    std::ostringstream m;
    m << read_regular_file(path.string(), kMaxMetricsBytes) << r.epoch << "," << fmt(r.train_loss) << "," << fmt(r.train_acc) << "," << fmt(r.val_loss) << ","
      << fmt(r.val_acc) << "," << exact_double_str(r.lr) << "," << fmt(r.seconds, "%.2f") << "\n";
    write_text(path, m.str());
}

void keep_metrics_rows(const fs::path& path, int rows) {
    // a missing metrics.csv (deleted by hand) starts again from its header rather than failing the resume
    std::istringstream in(fs::exists(path) ? read_regular_file(path.string(), kMaxMetricsBytes) : kMetricsHeader);
    std::string line, kept;
    for (int i = 0; i <= rows && std::getline(in, line); i++) kept += line + "\n";
    if (kept.rfind(kMetricsHeader, 0) != 0) kept = kMetricsHeader;  // not ours: keep nothing but the header
    write_text(path, kept);
}

std::string fmt(double v, const char* format) {
    char b[64];
    std::snprintf(b, sizeof b, format, v);
    return b;
}

}  // namespace melgrad::gtzan
