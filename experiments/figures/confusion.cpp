// The confusion matrix heat map (see confusion.h).
#include "experiments/figures/confusion.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "experiments/figures/axes.h"
#include "experiments/figures/colormap.h"
#include "experiments/figures/text.h"

namespace melgrad::figures {
namespace {

constexpr Colormap kMap = Colormap::viridis;
const char* const kBarTitle = "share of the true genre's examples";

struct Layout {
    int grid_x, grid_y, cell, n, width, height, bar_x;
    int s;           // text size of labels: 2, or 1 for small cells
    int label_step;  // a row or column name every label_step cells (1: all of them)
};

Layout layout(const ConfusionMatrix& cm, int cell) {
    if (cell <= 0) cell = confusion_cell_px((int)cm.labels.size());
    cell = std::max(cell, 8);
    const int s = cell >= 20 ? 2 : 1, lh = text_line_height(s);
    int widest = 0;
    for (const auto& l : cm.labels) widest = std::max(widest, text_width(l, s));
    Layout L;
    L.s = s;
    L.label_step = (lh + cell - 1) / cell;
    L.n = static_cast<int>(cm.labels.size());
    L.cell = cell;
    L.grid_x = 6 * s + lh + 6 * s + widest + 6 * s;  // axis title, row names, gap
    L.grid_y = 8 * s + lh + 4 * s + lh + 8 * s;  // title and the accuracy line under it
    L.bar_x = L.grid_x + L.n * cell + 12 * s;
    L.width = L.bar_x + 10 * s + 5 * s + text_width("100%", s) + 8 * s + lh + 6 * s;
    L.height = L.grid_y + L.n * cell + 6 * s + widest + 6 * s + lh + 8 * s;

    return L;
}

// Relative luminance (Rec. 709 weights on the 8-bit values): dark cells get white text.
bool is_dark(Rgb c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b < 128; }

}  // namespace

int confusion_cell_px(int classes) {
    classes = std::max(classes, 1);
    if (classes > 12) return std::clamp(1200 / classes, 8, 56);
    // few classes: cells large enough for the colour bar beside the grid to hold its title (2 classes: 206 px)
    const int bar_title = text_width(kBarTitle, 2) + 8 * 2;
    return std::max(56, (bar_title + classes - 1) / classes);
}

long ConfusionMatrix::total() const {
    long t = 0;
    for (const auto& row : counts)
        for (long v : row) t += v;
    return t;
}

long ConfusionMatrix::correct() const {
    long t = 0;
    for (size_t i = 0; i < counts.size() && i < labels.size(); ++i) t += counts[i][i];
    return t;
}

void ConfusionMatrix::validate(const std::string& where) const {
    if (labels.empty()) throw std::invalid_argument(where + ": a confusion matrix needs at least one genre");
    if (counts.size() != labels.size())
        throw std::invalid_argument(where + ": " + std::to_string(counts.size()) + " rows for " +
                                    std::to_string(labels.size()) + " genres");
    for (const auto& row : counts) {
        if (row.size() != labels.size())
            throw std::invalid_argument(where + ": a row has " + std::to_string(row.size()) + " counts, expected " +
                                        std::to_string(labels.size()));
        for (long v : row)
            if (v < 0) throw std::invalid_argument(where + ": negative count " + std::to_string(v));
    }
}

void confusion_cell_origin(const ConfusionMatrix& cm, int cell_px, int row, int col, int& x, int& y) {
    const Layout L = layout(cm, cell_px);
    cell_px = L.cell;
    x = L.grid_x + col * cell_px;
    y = L.grid_y + row * cell_px;
}

Image render_confusion(const ConfusionMatrix& cm, const std::string& title, int cell_px) {
    cm.validate("render_confusion");
    const Layout L = layout(cm, cell_px);
    cell_px = L.cell;
    const int s = L.s, count_scale = cell_px >= 48 ? 2 : 1;
    Image img(L.width, L.height);

    // Title, and the accuracy (the diagonal's share) under it.
    draw_text(img, L.grid_x + L.n * cell_px / 2, 8 * s, title, colors::black, s, HAlign::center);
    char line[160];
    const long total = cm.total(), correct = cm.correct();
    std::snprintf(line, sizeof line, "accuracy %.1f%% (%ld of %ld)", total ? 100.0 * correct / total : 0.0, correct,
                  total);
    draw_text(img, L.grid_x + L.n * cell_px / 2, 8 * s + text_line_height(s) + 4 * s, line, colors::gray, s,
              HAlign::center);

    for (int r = 0; r < L.n; ++r) {
        long row_total = 0;
        for (long v : cm.counts[r]) row_total += v;
        for (int c = 0; c < L.n; ++c) {
            const long v = cm.counts[r][c];
            const float share = row_total ? static_cast<float>(v) / row_total : 0.f;
            const Rgb color = colormap_color(kMap, share);
            const int x = L.grid_x + c * cell_px, y = L.grid_y + r * cell_px;
            img.fill_rect(x, y, cell_px, cell_px, color);
            const Rgb ink = is_dark(color) ? colors::white : colors::black;
            if (text_width(std::to_string(v), count_scale) <= cell_px - 2)  // a count too wide for its cell: colour only
                draw_text(img, x + cell_px / 2, y + cell_px / 2, std::to_string(v), ink, count_scale, HAlign::center,
                          VAlign::middle);
        }
        // Row name, right-aligned against the grid.
        if (r % L.label_step == 0)
            draw_text(img, L.grid_x - 6 * s, L.grid_y + r * cell_px + cell_px / 2, cm.labels[r], colors::black, s,
                      HAlign::right, VAlign::middle);
    }
    // Thin white lines between cells, a black frame around the grid.
    for (int i = 1; i < L.n; ++i) {
        img.fill_rect(L.grid_x + i * cell_px, L.grid_y, 1, L.n * cell_px, colors::white);
        img.fill_rect(L.grid_x, L.grid_y + i * cell_px, L.n * cell_px, 1, colors::white);
    }
    img.stroke_rect(L.grid_x - 1, L.grid_y - 1, L.n * cell_px + 2, L.n * cell_px + 2, colors::black);

    // Column names, turned to read upwards, their right end just under the grid.
    const int grid_bottom = L.grid_y + L.n * cell_px;
    int widest = 0;
    for (int c = 0; c < L.n; ++c) {
        const int w = text_width(cm.labels[c], s);
        widest = std::max(widest, w);
        if (c % L.label_step == 0)
            draw_text_vertical(img, L.grid_x + c * cell_px + cell_px / 2, grid_bottom + 6 * s + w / 2, cm.labels[c],
                               colors::black, s);
    }
    draw_text(img, L.grid_x + L.n * cell_px / 2, grid_bottom + 6 * s + widest + 6 * s, "predicted genre",
              colors::black, s, HAlign::center);
    draw_text_vertical(img, 6 * s + text_cap_height(s) / 2, L.grid_y + L.n * cell_px / 2, "true genre", colors::black,
                       s);

    // Colour bar: share 0 (bottom) .. 100% (top).
    const int bh = L.n * cell_px, bw = 10 * s;
    for (int y = 0; y < bh; ++y)
        img.fill_rect(L.bar_x, L.grid_y + y, bw, 1, colormap_color(kMap, 1.f - (y + 0.5f) / bh));
    img.stroke_rect(L.bar_x - 1, L.grid_y - 1, bw + 2, bh + 2, colors::black);
    for (int pct = 0; pct <= 100; pct += 25) {
        const int y = L.grid_y + bh - 1 - (bh - 1) * pct / 100;
        img.fill_rect(L.bar_x + bw + 1, y, 3 * s, 1, colors::black);
        draw_text(img, L.bar_x + bw + 5 * s, y, std::to_string(pct) + "%", colors::black, s, HAlign::left,
                  VAlign::middle);
    }
    draw_text_vertical(img, L.bar_x + bw + 5 * s + text_width("100%", s) + 8 * s + text_cap_height(s) / 2,
                       L.grid_y + bh / 2, kBarTitle, colors::black, s);
    return img;
}

}  // namespace melgrad::figures
