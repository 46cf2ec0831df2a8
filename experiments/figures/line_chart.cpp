// Line charts as PNG and SVG (see line_chart.h).
#include "experiments/figures/line_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "experiments/figures/axes.h"
#include "experiments/figures/text.h"

namespace melgrad::figures {
namespace {

struct Layout {
    PlotArea plot;
    std::vector<Tick> x_ticks, y_ticks;
    int legend_x, legend_y, legend_w, legend_h, legend_row;
};

Layout layout(const LineChart& c) {
    if (c.series.empty()) throw std::invalid_argument("line chart '" + c.title + "': no series to draw");
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (const Series& s : c.series) {
        if (s.x.size() != s.y.size())
            throw std::invalid_argument("line chart '" + c.title + "': series '" + s.name + "' has " +
                                        std::to_string(s.x.size()) + " x and " + std::to_string(s.y.size()) +
                                        " y values");
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
            xlo = std::min(xlo, s.x[i]), xhi = std::max(xhi, s.x[i]);
            ylo = std::min(ylo, s.y[i]), yhi = std::max(yhi, s.y[i]);
        }
    }
    for (const ReferenceLine& r : c.references) ylo = std::min(ylo, r.y), yhi = std::max(yhi, r.y);
    if (!std::isfinite(xlo)) xlo = 0, xhi = 1, ylo = 0, yhi = 1;  // nothing finite: an empty frame
    if (!std::isnan(c.x_min)) xlo = c.x_min;
    if (!std::isnan(c.x_max)) xhi = c.x_max;
    if (xhi <= xlo) xhi = xlo + 1;
    const double pad = (yhi > ylo ? yhi - ylo : std::max(1.0, std::fabs(yhi))) * 0.05;
    ylo = std::isnan(c.y_min) ? ylo - pad : c.y_min;
    yhi = std::isnan(c.y_max) ? yhi + pad : c.y_max;
    if (yhi <= ylo) yhi = ylo + 1;

    Layout L;
    const int s = std::max(1, c.scale), lh = text_line_height(s);
    L.y_ticks = labelled_ticks(ylo, yhi, 6);
    const int left = y_axis_margin(L.y_ticks, s) + 4 * s;
    const int top = 8 * s + lh + 6 * s;
    const int bottom = 6 * s + lh + 4 * s + lh + 6 * s;
    const int right = 12 * s;
    L.plot = {left, top, c.width - left - right, c.height - top - bottom, xlo, xhi, ylo, yhi};
    if (L.plot.w < 50 || L.plot.h < 50)
        throw std::invalid_argument("line chart '" + c.title + "': " + std::to_string(c.width) + "x" +
                                    std::to_string(c.height) + " leaves no room for the plot");
    int target = std::max(2, L.plot.w / (50 * s));
    if (c.integer_x) target = std::min<int>(target, static_cast<int>(xhi - xlo) + 1);
    L.x_ticks = labelled_ticks(xlo, xhi, target);
    if (c.integer_x) {
        std::vector<Tick> whole;
        for (const Tick& t : L.x_ticks)
            if (std::fabs(t.value - std::round(t.value)) < 1e-9) whole.push_back({t.value, format_number(t.value, 1)});
        L.x_ticks = whole;
    }

    // Legend: one row per series and reference line, in the corner that hides the fewest data points.
    L.legend_row = lh + 4 * s;
    int widest = 0, rows = 0;
    for (const Series& se : c.series) widest = std::max(widest, text_width(se.name, s)), ++rows;
    for (const ReferenceLine& r : c.references) widest = std::max(widest, text_width(r.label, s)), ++rows;
    L.legend_w = 8 * s + 20 * s + 6 * s + widest + 8 * s;
    L.legend_h = rows * L.legend_row + 8 * s;
    const PlotArea& p = L.plot;
    const int m = 8 * s;
    const int cx[4] = {p.x + p.w - L.legend_w - m, p.x + p.w - L.legend_w - m, p.x + m, p.x + m};
    const int cy[4] = {p.y + p.h - L.legend_h - m, p.y + m, p.y + p.h - L.legend_h - m, p.y + m};
    int best = 0;
    long best_hits = -1;
    for (int k = 0; k < 4; ++k) {
        long hits = 0;
        for (const Series& se : c.series)
            for (size_t i = 0; i < se.x.size(); ++i) {
                const float x = p.px(se.x[i]), y = p.py(se.y[i]);
                hits += x >= cx[k] - m && x <= cx[k] + L.legend_w + m && y >= cy[k] - m && y <= cy[k] + L.legend_h + m;
            }
        for (const ReferenceLine& r : c.references) {
            const float y = p.py(r.y);
            hits += 3 * (y >= cy[k] && y <= cy[k] + L.legend_h);
        }
        if (best_hits < 0 || hits < best_hits) best = k, best_hits = hits;
    }
    L.legend_x = cx[best];
    L.legend_y = cy[best];
    return L;
}

std::string svg_escape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '<') out += "&lt;";
        else if (ch == '>') out += "&gt;";
        else if (ch == '&') out += "&amp;";
        else if (ch == '"') out += "&quot;";
        else out += ch;
    }
    return out;
}

std::string hex(Rgb c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
    return buf;
}

}  // namespace

PlotArea line_chart_plot_area(const LineChart& c) { return layout(c).plot; }

Image render_line_chart(const LineChart& c) {
    const Layout L = layout(c);
    const PlotArea& p = L.plot;
    const int s = std::max(1, c.scale);
    Image img(c.width, c.height);
    draw_x_axis(img, p, L.x_ticks, c.x_label, s, true);
    draw_y_axis(img, p, L.y_ticks, c.y_label, s, true);
    img.stroke_rect(p.x - 1, p.y - 1, p.w + 2, p.h + 2, colors::black);
    draw_text(img, p.x + p.w / 2, 8 * s, c.title, colors::black, s, HAlign::center);

    for (const ReferenceLine& r : c.references)
        img.draw_line(p.x, p.py(r.y), p.x + p.w, p.py(r.y), r.color, 1.5f * s / 2, 6.f * s);
    for (const Series& se : c.series) {
        for (size_t i = 1; i < se.x.size(); ++i) {
            if (!std::isfinite(se.y[i - 1]) || !std::isfinite(se.y[i])) continue;
            img.draw_line(p.px(se.x[i - 1]), p.py(se.y[i - 1]), p.px(se.x[i]), p.py(se.y[i]), se.color, 1.25f * s,
                          se.dashed ? 5.f * s : 0.f);
        }
        if (se.markers && se.x.size() <= 60)
            for (size_t i = 0; i < se.x.size(); ++i)
                if (std::isfinite(se.y[i]))
                    img.draw_line(p.px(se.x[i]), p.py(se.y[i]), p.px(se.x[i]), p.py(se.y[i]), se.color, 3.5f * s);
    }
    // The legend: a white box with a sample of each line.
    img.fill_rect(L.legend_x, L.legend_y, L.legend_w, L.legend_h, colors::white);
    img.stroke_rect(L.legend_x, L.legend_y, L.legend_w, L.legend_h, colors::gray);
    int y = L.legend_y + 4 * s + L.legend_row / 2;
    const int x0 = L.legend_x + 8 * s, x1 = x0 + 20 * s;
    for (const Series& se : c.series) {
        img.draw_line(x0, y, x1, y, se.color, 1.25f * s, se.dashed ? 5.f * s : 0.f);
        draw_text(img, x1 + 6 * s, y, se.name, colors::black, s, HAlign::left, VAlign::middle);
        y += L.legend_row;
    }
    for (const ReferenceLine& r : c.references) {
        img.draw_line(x0, y, x1, y, r.color, 1.5f * s / 2, 6.f * s);
        draw_text(img, x1 + 6 * s, y, r.label, colors::black, s, HAlign::left, VAlign::middle);
        y += L.legend_row;
    }
    return img;
}

std::string line_chart_svg(const LineChart& c) {
    const Layout L = layout(c);
    const PlotArea& p = L.plot;
    const int s = std::max(1, c.scale);
    const int font = 8 * s;  // close to the bitmap font in the PNG
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << c.width << "\" height=\"" << c.height
      << "\" viewBox=\"0 0 " << c.width << ' ' << c.height << "\" font-family=\"sans-serif\" font-size=\"" << font
      << "\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    o << "<text x=\"" << p.x + p.w / 2 << "\" y=\"" << 8 * s + font << "\" text-anchor=\"middle\">"
      << svg_escape(c.title) << "</text>\n";
    for (const Tick& t : L.x_ticks) {
        const float x = p.px(t.value);
        o << "<line x1=\"" << x << "\" y1=\"" << p.y << "\" x2=\"" << x << "\" y2=\"" << p.y + p.h + 4 * s
          << "\" stroke=\"#e1e1e1\"/>\n<text x=\"" << x << "\" y=\"" << p.y + p.h + 6 * s + font
          << "\" text-anchor=\"middle\">" << svg_escape(t.label) << "</text>\n";
    }
    for (const Tick& t : L.y_ticks) {
        const float y = p.py(t.value);
        o << "<line x1=\"" << p.x - 4 * s << "\" y1=\"" << y << "\" x2=\"" << p.x + p.w << "\" y2=\"" << y
          << "\" stroke=\"#e1e1e1\"/>\n<text x=\"" << p.x - 6 * s << "\" y=\"" << y + font / 3
          << "\" text-anchor=\"end\">" << svg_escape(t.label) << "</text>\n";
    }
    o << "<rect x=\"" << p.x << "\" y=\"" << p.y << "\" width=\"" << p.w << "\" height=\"" << p.h
      << "\" fill=\"none\" stroke=\"black\"/>\n";
    o << "<text x=\"" << p.x + p.w / 2 << "\" y=\"" << c.height - 6 * s << "\" text-anchor=\"middle\">"
      << svg_escape(c.x_label) << "</text>\n";
    o << "<text transform=\"translate(" << 6 * s + font << ' ' << p.y + p.h / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << svg_escape(c.y_label) << "</text>\n";
    for (const ReferenceLine& r : c.references)
        o << "<line x1=\"" << p.x << "\" y1=\"" << p.py(r.y) << "\" x2=\"" << p.x + p.w << "\" y2=\"" << p.py(r.y)
          << "\" stroke=\"" << hex(r.color) << "\" stroke-width=\"" << 1.5 * s / 2 << "\" stroke-dasharray=\""
          << 6 * s << "\"/>\n";
    for (const Series& se : c.series) {
        o << "<polyline fill=\"none\" stroke=\"" << hex(se.color) << "\" stroke-width=\"" << 1.25 * s << '"'
          << (se.dashed ? " stroke-dasharray=\"" + std::to_string(5 * s) + "\"" : std::string()) << " points=\"";
        for (size_t i = 0; i < se.x.size(); ++i)
            if (std::isfinite(se.y[i])) o << p.px(se.x[i]) << ',' << p.py(se.y[i]) << ' ';
        o << "\"/>\n";
        if (se.markers && se.x.size() <= 60)
            for (size_t i = 0; i < se.x.size(); ++i)
                if (std::isfinite(se.y[i]))
                    o << "<circle cx=\"" << p.px(se.x[i]) << "\" cy=\"" << p.py(se.y[i]) << "\" r=\"" << 1.75 * s
                      << "\" fill=\"" << hex(se.color) << "\"/>\n";
    }
    o << "<rect x=\"" << L.legend_x << "\" y=\"" << L.legend_y << "\" width=\"" << L.legend_w << "\" height=\""
      << L.legend_h << "\" fill=\"white\" stroke=\"gray\"/>\n";
    int y = L.legend_y + 4 * s + L.legend_row / 2;
    const int x0 = L.legend_x + 8 * s, x1 = x0 + 20 * s;
    auto legend_row = [&](const std::string& name, Rgb color, const std::string& dash) {
        o << "<line x1=\"" << x0 << "\" y1=\"" << y << "\" x2=\"" << x1 << "\" y2=\"" << y << "\" stroke=\""
          << hex(color) << "\" stroke-width=\"" << 1.25 * s << '"' << dash << "/>\n<text x=\"" << x1 + 6 * s
          << "\" y=\"" << y + font / 3 << "\">" << svg_escape(name) << "</text>\n";
        y += L.legend_row;
    };
    for (const Series& se : c.series)
        legend_row(se.name, se.color, se.dashed ? " stroke-dasharray=\"" + std::to_string(5 * s) + "\"" : "");
    for (const ReferenceLine& r : c.references)
        legend_row(r.label, r.color, " stroke-dasharray=\"" + std::to_string(6 * s) + "\"");
    o << "</svg>\n";
    return o.str();
}

}  // namespace melgrad::figures
