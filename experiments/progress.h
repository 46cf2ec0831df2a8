// A progress bar for long work, on stderr:
//   train 3/30 [##########..........]  512/1024  50%  loss 0.812 acc 71.3%  180 samples/s  ETA 0:03
// On a terminal it redraws one line; when stderr is a file or a pipe (CI logs) it prints a line at
// every 10% instead, so logs stay short.
#pragma once
#include <chrono>
#include <string>

namespace melgrad {

class ProgressBar {
public:
    ProgressBar(std::string label, long long total, std::string unit = "items");
    // Draws the bar if enough time has passed since the last draw (or always when done == total).
    void update(long long done, const std::string& extra = "");
    void finish(const std::string& extra = "");  // final draw and a newline
    double seconds() const;                         // since construction
    double rate(long long done) const;              // done per second

private:
    std::string label_, unit_;
    long long total_;
    bool tty_, finished_ = false;
    int last_decile_ = -1;
    std::chrono::steady_clock::time_point start_, last_draw_;
    void draw(long long done, const std::string& extra, bool final);
};

std::string format_duration(double seconds);  // 75 -> "1:15", 3725 -> "1:02:05"

}  // namespace melgrad
