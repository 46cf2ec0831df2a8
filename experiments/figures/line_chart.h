// Line charts (the paper's Figs. 5 and 6: accuracy and loss over epochs, train vs validation), as a PNG
// image or as SVG text. Both come from the same layout, so they show the same thing.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "experiments/figures/axes.h"
#include "experiments/figures/image.h"

namespace melgrad::figures {

struct Series {
    std::string name;             // shown in the legend
    std::vector<double> x, y;     // same length; NaN y values leave a gap
    Rgb color = colors::tab_blue;
    bool dashed = false;
    bool markers = true;          // a dot at each point (drawn only when there are at most 60 points)
};

// A horizontal reference line, e.g. the paper's test accuracy.
struct ReferenceLine {
    double y;
    std::string label;
    Rgb color = colors::gray;
};

struct LineChart {
    std::string title, x_label = "epoch", y_label;
    std::vector<Series> series;
    std::vector<ReferenceLine> references;
    double y_min = NAN, y_max = NAN;  // NaN = from the data (and reference lines), padded by 5%
    double x_min = NAN, x_max = NAN;
    bool integer_x = true;            // x ticks on whole numbers only (epochs)
    int width = 800, height = 500;    // whole image, pixels
    int scale = 2;                    // text size
};

Image render_line_chart(const LineChart& chart);
// Where the data rectangle lies and which data range it shows (for tests and overlays).
PlotArea line_chart_plot_area(const LineChart& chart);
std::string line_chart_svg(const LineChart& chart);

}  // namespace melgrad::figures
