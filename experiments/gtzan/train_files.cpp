#include "experiments/gtzan/train_files.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "framework/backend.h"
#include "framework/optim/optimizer.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream f(p);
    f << text;
    if (!f) throw std::runtime_error(p.string() + ": cannot write");
}

void write_settings(const fs::path& path, const DatasetFile& data, const Metadata& run_meta, Device device,
                    const Split& split) {
    std::string settings = data.synthetic() ? "provenance=synthetic (melgrad synth-gtzan stand-in, not GTZAN)\n"
                                            : "provenance=gtzan (" + data.header_value("source") + ")\n";
    for (auto& kv : run_meta)
        if (kv.first != "model_text") settings += kv.first + "=" + kv.second + "\n";
    settings += "device=" + std::string(device_name(device)) + "\nthreads=" + std::to_string(num_threads()) + "\n";
    settings += describe_split(split) + "\n";
    write_text(path, settings);
}

void start_metrics(const fs::path& path) {
    write_text(path, "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n");
}

void append_metrics_row(const fs::path& path, const EpochRow& r) {
    std::ofstream m(path, std::ios::app);
    m << r.epoch << "," << fmt(r.train_loss) << "," << fmt(r.train_acc) << "," << fmt(r.val_loss) << ","
      << fmt(r.val_acc) << "," << exact_double_str(r.lr) << "," << fmt(r.seconds, "%.2f") << "\n";
}

void keep_metrics_rows(const fs::path& path, int rows) {
    std::ifstream in(path);
    std::string line, kept;
    for (int i = 0; i <= rows && std::getline(in, line); i++) kept += line + "\n";
    write_text(path, kept);
}

std::string fmt(double v, const char* format) {
    char b[64];
    std::snprintf(b, sizeof b, format, v);
    return b;
}

}  // namespace melgrad::gtzan
