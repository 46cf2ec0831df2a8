#include "experiments/gtzan/metrics.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "experiments/csv.h"
#include "framework/atomic_file.h"

namespace melgrad::gtzan {

// Counts read from a file could be anything: a sum that would overflow is an error, not a wrapped number.
static long checked_add(long a, long b) {
    long sum;
    if (__builtin_add_overflow(a, b, &sum)) throw std::overflow_error("confusion matrix: the counts overflow a long");
    return sum;
}

long Confusion::total() const {
    long t = 0;
    for (long v : counts) t = checked_add(t, v);
    return t;
}

double Confusion::accuracy() const {
    long correct = 0;
    for (int c = 0; c < n; c++) correct = checked_add(correct, at(c, c));
    long t = total();
    return t ? (double)correct / t : 0.0;
}

double Confusion::precision(int c) const {
    long predicted = 0;
    for (int t = 0; t < n; t++) predicted = checked_add(predicted, at(t, c));
    return predicted ? (double)at(c, c) / predicted : 0.0;
}

double Confusion::recall(int c) const {
    long actual = 0;
    for (int p = 0; p < n; p++) actual = checked_add(actual, at(c, p));
    return actual ? (double)at(c, c) / actual : 0.0;
}

double Confusion::f1(int c) const {
    double p = precision(c), r = recall(c);
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

int argmax(const float* v, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best]) best = i;
    return best;
}

void write_confusion_csv(const std::string& path, const Confusion& c, const std::vector<std::string>& names) {
    std::ostringstream f;
    f << "true\\predicted";
    for (int i = 0; i < c.n; i++) f << "," << csv_field(names[i]);  // "Rock, Pop" quoted
    f << "\n";
    for (int t = 0; t < c.n; t++) {
        f << csv_field(names[t]);
        for (int p = 0; p < c.n; p++) f << "," << c.at(t, p);
        f << "\n";
    }
    write_file_atomically(path, f.str());
}

}  // namespace melgrad::gtzan
