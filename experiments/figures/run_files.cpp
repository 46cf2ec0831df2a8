// Reading metrics.csv and confusion.csv (see run_files.h).
#include "experiments/figures/run_files.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "experiments/csv.h"
#include "framework/input_file.h"

namespace melgrad::figures {
namespace {

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// One line's cells, trimmed; a quoted cell may hold commas ("Rock, Pop": experiments/csv.h).
std::vector<std::string> split_csv_line(const std::string& line, const std::string& path, int line_number) {
    std::vector<CsvRecord> records = parse_csv(line, path + ":" + std::to_string(line_number) + " (line)");
    std::vector<std::string> cells = records.empty() ? std::vector<std::string>{} : records[0].fields;
    for (std::string& cell : cells) cell = trim(cell);
    return cells;
}

// Non-empty lines with their 1-based line numbers.
std::vector<std::pair<int, std::string>> csv_lines(const std::string& path) {
    std::istringstream in(read_text_file(path));
    std::vector<std::pair<int, std::string>> lines;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (!trim(line).empty()) lines.push_back({n, line});
    if (lines.empty()) throw std::runtime_error(path + ": the file is empty");
    return lines;
}

double parse_number(const std::string& text, const std::string& path, int line, const std::string& column) {
    const char* s = text.c_str();
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s, &end);
    if (text.empty() || end == s || *end != '\0')
        throw std::runtime_error(path + ":" + std::to_string(line) + ": column " + column + ": '" + text +
                                 "' is not a number");
    return v;
}

}  // namespace

std::string read_text_file(const std::string& path) {
    return read_regular_file(path, size_t(256) << 20);  // metrics.csv and eval.json are kilobytes
}

std::vector<EpochMetrics> read_metrics_csv(const std::string& path) {
    auto lines = csv_lines(path);
    const auto header = split_csv_line(lines[0].second, path, lines[0].first);
    std::map<std::string, size_t> column;
    for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
    const char* needed[] = {"epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"};
    for (const char* name : needed)
        if (!column.count(name))
            throw std::runtime_error(path + ":1: no column '" + name +
                                     "' (expected epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds)");
    std::vector<EpochMetrics> rows;
    for (size_t i = 1; i < lines.size(); ++i) {
        const auto cells = split_csv_line(lines[i].second, path, lines[i].first);
        if (cells.size() < header.size())
            throw std::runtime_error(path + ":" + std::to_string(lines[i].first) + ": " +
                                     std::to_string(cells.size()) + " values, the header has " +
                                     std::to_string(header.size()));
        auto get = [&](const char* name) { return parse_number(cells[column[name]], path, lines[i].first, name); };
        EpochMetrics m;
        m.epoch = static_cast<int>(get("epoch"));
        m.train_loss = get("train_loss");
        m.train_acc = get("train_acc");
        m.val_loss = get("val_loss");
        m.val_acc = get("val_acc");
        m.lr = get("lr");
        m.seconds = get("seconds");
        rows.push_back(m);
    }
    if (rows.empty()) throw std::runtime_error(path + ": a header but no epochs");
    return rows;
}

ConfusionMatrix read_confusion_csv(const std::string& path) {
    auto lines = csv_lines(path);
    ConfusionMatrix cm;
    auto header = split_csv_line(lines[0].second, path, lines[0].first);
    // The header may start with an empty (or "true\predicted") corner cell above the row names.
    if (!header.empty() && (header[0].empty() || header[0].find("true") != std::string::npos))
        header.erase(header.begin());
    cm.labels = header;
    if (cm.labels.empty()) throw std::runtime_error(path + ":1: no genre names in the header");
    for (size_t i = 1; i < lines.size(); ++i) {
        const auto cells = split_csv_line(lines[i].second, path, lines[i].first);
        const int ln = lines[i].first;
        if (cells.size() != cm.labels.size() + 1)
            throw std::runtime_error(path + ":" + std::to_string(ln) + ": " + std::to_string(cells.size()) +
                                     " cells, expected a genre name and " + std::to_string(cm.labels.size()) +
                                     " counts");
        const size_t row = cm.counts.size();
        if (row >= cm.labels.size() || cells[0] != cm.labels[row])
            throw std::runtime_error(path + ":" + std::to_string(ln) + ": row '" + cells[0] + "' should be '" +
                                     (row < cm.labels.size() ? cm.labels[row] : std::string("(none: too many rows)")) +
                                     "' (rows in the header's order)");
        std::vector<long> counts;
        for (size_t c = 1; c < cells.size(); ++c) {
            double v = parse_number(cells[c], path, ln, cm.labels[c - 1]);
            if (v < 0 || v != std::floor(v))
                throw std::runtime_error(path + ":" + std::to_string(ln) + ": count '" + cells[c] +
                                         "' is not a whole number >= 0");
            counts.push_back(static_cast<long>(v));
        }
        cm.counts.push_back(counts);
    }
    if (cm.counts.size() != cm.labels.size())
        throw std::runtime_error(path + ": " + std::to_string(cm.counts.size()) + " rows for " +
                                 std::to_string(cm.labels.size()) + " genres");
    return cm;
}

}  // namespace melgrad::figures
