#include "experiments/progress.h"

#include <unistd.h>

#include <cstdio>

namespace melgrad {

std::string format_duration(double s) {
    if (!(s >= 0) || s > 1e7) return "?";
    long t = (long)(s + 0.5);
    char buf[32];
    if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
    return buf;
}

ProgressBar::ProgressBar(std::string label, long long total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total > 0 ? total : 1), tty_(isatty(2)),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

double ProgressBar::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double ProgressBar::rate(long long done) const {
    double s = seconds();
    return s > 0 ? done / s : 0.0;
}

void ProgressBar::update(long long done, const std::string& extra) {
    auto now = std::chrono::steady_clock::now();
    if (tty_) {
        if (done < total_ && std::chrono::duration<double>(now - last_draw_).count() < 0.1) return;
    } else {
        int decile = (int)(10 * done / total_);
        if (decile == last_decile_ || done >= total_) return;  // the final line comes from finish()
        last_decile_ = decile;
    }
    last_draw_ = now;
    draw(done, extra, false);
}

void ProgressBar::finish(const std::string& extra) {
    if (finished_) return;
    finished_ = true;
    draw(total_, extra, true);
}

void ProgressBar::draw(long long done, const std::string& extra, bool final) {
    const int width = 20;
    int filled = (int)(width * done / total_);
    std::string bar(filled, '#');
    bar += std::string(width - filled, '.');
    double r = rate(done);
    std::string eta = final ? format_duration(seconds()) : "ETA " + (r > 0 ? format_duration((total_ - done) / r) : std::string("?"));
    std::fprintf(stderr, "%s%s [%s] %lld/%lld %3d%%  %s%s%.1f %s/s  %s%s", tty_ ? "\r" : "", label_.c_str(),
                 bar.c_str(), done, total_, (int)(100 * done / total_), extra.c_str(), extra.empty() ? "" : "  ", r,
                 unit_.c_str(), eta.c_str(), (tty_ && !final) ? "\033[K" : "\n");
    std::fflush(stderr);
}

}  // namespace melgrad
