// Classification metrics: confusion matrix, accuracy, per-class precision / recall / F1.
//   confusion[t][p] = how many examples of true class t were predicted as p
//   accuracy        = trace / total
//   precision_c     = confusion[c][c] / sum_t confusion[t][c]     (of those predicted c, how many were c)
//   recall_c        = confusion[c][c] / sum_p confusion[c][p]     (of the true c, how many were found)
//   F1_c            = 2 P R / (P + R)
#pragma once
#include <string>
#include <vector>

namespace melgrad::gtzan {

struct Confusion {
    explicit Confusion(int classes = 10) : n(classes), counts((size_t)classes * classes, 0) {}
    int n;
    std::vector<long> counts;  // row-major [true][predicted]
    void add(int truth, int predicted) { counts[(size_t)truth * n + predicted]++; }
    long at(int truth, int predicted) const { return counts[(size_t)truth * n + predicted]; }
    long total() const;
    double accuracy() const;
    double precision(int c) const;
    double recall(int c) const;
    double f1(int c) const;
};

int argmax(const float* values, int n);

// confusion.csv: header "true\predicted,<genre>,...", then one row per true genre: name, counts.
void write_confusion_csv(const std::string& path, const Confusion& c, const std::vector<std::string>& names);

}  // namespace melgrad::gtzan
