#include "experiments/gtzan/clip_window.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace melgrad::gtzan {

namespace {
std::string seconds_text(double s) {
    std::ostringstream os;
    os << s;
    return os.str();
}
}  // namespace

std::map<std::string, std::string> ClipWindow::to_header() const {
    std::map<std::string, std::string> h;
    if (offset > 0) h["offset"] = seconds_text(offset);
    if (duration > 0) h["duration"] = seconds_text(duration);
    if (max_chunks > 0) h["max_chunks_per_clip"] = std::to_string(max_chunks);
    return h;
}

void ClipWindow::validate() const {
    const double a_day = 86400;  // longer than any song: larger values are typos, and would overflow a sample index
    if (!(offset >= 0 && offset <= a_day))
        throw std::invalid_argument("--offset " + seconds_text(offset) + ": expected 0.." + seconds_text(a_day) + " seconds");
    if (!(duration >= 0 && duration <= a_day))
        throw std::invalid_argument("--duration " + seconds_text(duration) + ": expected 0.." + seconds_text(a_day) +
                                    " seconds (0: to the end)");
    if (max_chunks < 0) throw std::invalid_argument("--max-chunks-per-clip must be >= 0 (0: every chunk)");
}

std::vector<float> window_samples(const std::vector<float>& samples, int sample_rate, const ClipWindow& w) {
    const size_t first = (size_t)std::llround(w.offset * sample_rate);
    if (first >= samples.size()) return {};
    size_t last = samples.size();
    if (w.duration > 0) last = std::min(last, first + (size_t)std::llround(w.duration * sample_rate));
    return std::vector<float>(samples.begin() + (std::ptrdiff_t)first, samples.begin() + (std::ptrdiff_t)last);
}

std::vector<size_t> evenly_spaced_chunks(size_t n, int max_chunks) {
    const size_t keep = (max_chunks <= 0 || n <= (size_t)max_chunks) ? n : (size_t)max_chunks;
    std::vector<size_t> picked(keep);
    for (size_t k = 0; k < keep; k++) picked[k] = keep == n ? k : (2 * k + 1) * n / (2 * keep);
    return picked;
}

}  // namespace melgrad::gtzan
