// Ticks and axes (see axes.h).
#include "experiments/figures/axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "experiments/figures/text.h"

namespace melgrad::figures {

double nice_step(double lo, double hi, int target) {
    const double span = std::fabs(hi - lo);
    if (!(span > 0) || !std::isfinite(span)) return 1.0;
    const double raw = span / std::max(target, 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;  // 1 <= f < 10; round to the nearest of 1, 2, 5, 10
    const double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    return nice * mag;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
    if (lo > hi) std::swap(lo, hi);
    const double step = nice_step(lo, hi, target);
    std::vector<double> ticks;
    const double eps = step * 1e-6;
    for (double k = std::ceil((lo - eps) / step); k * step <= hi + eps && ticks.size() < 1000; k += 1)
        ticks.push_back(std::fabs(k * step) < eps ? 0.0 : k * step);
    return ticks;
}

std::string format_number(double v, double step) {
    int decimals = 0;
    for (double s = std::fabs(step); decimals < 6 && s > 0 && std::fabs(s - std::round(s)) > 1e-9; s *= 10)
        ++decimals;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::vector<Tick> labelled_ticks(double lo, double hi, int target, const std::string& suffix) {
    const double step = nice_step(lo, hi, target);
    std::vector<Tick> out;
    for (double v : nice_ticks(lo, hi, target)) out.push_back({v, format_number(v, step) + suffix});
    return out;
}

void draw_x_axis(Image& img, const PlotArea& a, const std::vector<Tick>& ticks, const std::string& title, int s,
                 bool grid) {
    const int base = a.y + a.h;
    int last_right = -1000000;  // right end of the last label drawn: labels that would touch it are skipped
    for (const Tick& t : ticks) {
        const int x = static_cast<int>(std::lround(a.px(t.value)));
        if (x < a.x - 1 || x > a.x + a.w + 1) continue;
        const int w = text_width(t.label, s);
        if (x - w / 2 < last_right + 4 * s) continue;
        last_right = x - w / 2 + w;
        if (grid) img.fill_rect(x, a.y, 1, a.h, colors::light_gray);
        img.fill_rect(x, base, 1, 4 * s, colors::black);
        draw_text(img, x, base + 6 * s, t.label, colors::black, s, HAlign::center, VAlign::top);
    }
    img.fill_rect(a.x, base, a.w, 1, colors::black);
    if (!title.empty())
        draw_text(img, a.x + a.w / 2, base + 6 * s + text_line_height(s) + 4 * s, title, colors::black, s,
                  HAlign::center, VAlign::top);
}

int y_axis_margin(const std::vector<Tick>& ticks, int s) {
    int widest = 0;
    for (const Tick& t : ticks) widest = std::max(widest, text_width(t.label, s));
    return widest + 6 * s + 8 * s + text_line_height(s) + 6 * s;
}

void draw_y_axis(Image& img, const PlotArea& a, const std::vector<Tick>& ticks, const std::string& title, int s,
                 bool grid) {
    int widest = 0;
    int last_y = 1000000;  // labels closer than a line to the last one drawn (going up) are skipped
    std::vector<Tick> upward = ticks;
    std::sort(upward.begin(), upward.end(), [](const Tick& p, const Tick& q) { return p.value < q.value; });
    for (const Tick& t : upward) {
        const int y = static_cast<int>(std::lround(a.py(t.value)));
        if (y < a.y - 1 || y > a.y + a.h + 1) continue;
        if (last_y - y < text_cap_height(s) + 4 * s) continue;
        last_y = y;
        if (grid) img.fill_rect(a.x, y, a.w, 1, colors::light_gray);
        img.fill_rect(a.x - 4 * s, y, 4 * s, 1, colors::black);
        draw_text(img, a.x - 6 * s, y, t.label, colors::black, s, HAlign::right, VAlign::middle);
        widest = std::max(widest, text_width(t.label, s));
    }
    img.fill_rect(a.x - 1, a.y, 1, a.h, colors::black);
    if (!title.empty())
        draw_text_vertical(img, a.x - 6 * s - widest - 8 * s - text_cap_height(s) / 2, a.y + a.h / 2, title,
                           colors::black, s);
}

}  // namespace melgrad::figures
