// Axes shared by every chart: "nice" tick values (1, 2 or 5 times a power of ten), their labels, and
// drawing an x or y axis with ticks along one side of a plot rectangle.
#pragma once
#include <string>
#include <vector>

#include "experiments/figures/image.h"

namespace melgrad::figures {

struct Tick {
    double value;       // in data units along the axis
    std::string label;  // what is printed next to the tick
};

// The rectangle data is drawn in, in pixels; maps data values to pixel positions linearly.
struct PlotArea {
    int x = 0, y = 0, w = 0, h = 0;
    double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;  // data range across the rectangle
    float px(double v) const { return float(x + (v - x_lo) / (x_hi - x_lo) * w); }
    float py(double v) const { return float(y + h - (v - y_lo) / (y_hi - y_lo) * h); }  // y grows upward
};

// About `target` evenly spaced tick values covering [lo, hi] with a step of 1, 2 or 5 x 10^k
// (Heckbert's "nice numbers"); only values inside [lo, hi] (with a small tolerance) are returned.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);
// The step nice_ticks() would use (for choosing a number of decimals).
double nice_step(double lo, double hi, int target = 6);
// v printed with as many decimals as `step` needs ("0.25", "10", "1.5").
std::string format_number(double v, double step);
std::vector<Tick> labelled_ticks(double lo, double hi, int target = 6, const std::string& suffix = "");

// Ticks and tick labels below (x) or left of (y) the plot rectangle, with the axis title centred
// beyond them (the y title turned on its side). grid=true also draws light grid lines across the plot.
void draw_x_axis(Image& img, const PlotArea& area, const std::vector<Tick>& ticks, const std::string& title,
                 int scale, bool grid = false);
void draw_y_axis(Image& img, const PlotArea& area, const std::vector<Tick>& ticks, const std::string& title,
                 int scale, bool grid = false);
// Space the y axis needs left of the plot for these tick labels and a title, in pixels.
int y_axis_margin(const std::vector<Tick>& ticks, int scale);

}  // namespace melgrad::figures
