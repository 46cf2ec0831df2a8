// Grids of small heat maps (see grid.h).
#include "experiments/figures/grid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "experiments/figures/text.h"

namespace melgrad::figures {
namespace {

void range_of(const Tile& t, bool symmetric, float& lo, float& hi) {
    lo = INFINITY, hi = -INFINITY;
    for (float v : t.values)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!std::isfinite(lo)) lo = 0, hi = 0;
    if (symmetric) {
        const float m = std::max(std::fabs(lo), std::fabs(hi));
        lo = -m, hi = m;
    }
}

}  // namespace

Image render_grid(const std::vector<Tile>& tiles, const GridStyle& st) {
    if (tiles.empty()) throw std::invalid_argument("render_grid: no tiles");
    int max_rows = 0, max_cols = 0;
    for (const Tile& t : tiles) {
        if (t.rows <= 0 || t.cols <= 0 || t.values.size() != static_cast<size_t>(t.rows) * t.cols)
            throw std::invalid_argument("render_grid: tile '" + t.label + "' has " + std::to_string(t.values.size()) +
                                        " values for " + std::to_string(t.rows) + " x " + std::to_string(t.cols));
        max_rows = std::max(max_rows, t.rows);
        max_cols = std::max(max_cols, t.cols);
    }
    // One block size for every tile, so a 3x3 kernel is 3 equal blocks wide everywhere.
    const int block = std::max(1, st.tile_px / std::max(max_rows, max_cols));
    const int tw = max_cols * block, th = max_rows * block;
    const int columns = std::max(1, std::min<int>(st.columns, static_cast<int>(tiles.size())));
    const int grid_rows = (static_cast<int>(tiles.size()) + columns - 1) / columns;
    bool labels = false;
    int label_w = 0;
    for (const Tile& t : tiles) labels |= !t.label.empty(), label_w = std::max(label_w, text_width(t.label, 1));
    const int cell_w = std::max(tw, label_w + 6) + st.gap;
    const int cell_h = th + (labels ? text_line_height(1) + 3 : 0) + st.gap;
    const int title_h = st.title.empty() ? 0 : text_line_height(2) + 10;
    const int legend_h = st.legend ? 12 + 4 + text_line_height(1) + 8 : 0;
    const int grid_h = grid_rows * cell_h + st.gap;
    const int title_w = st.title.empty() ? 0 : text_width(st.title, 2) + 12;  // never clip the title
    Image img(std::max({columns * cell_w + st.gap, 260, title_w}), grid_h + title_h + legend_h);
    if (!st.title.empty()) draw_text(img, img.width() / 2, 6, st.title, colors::black, 2, HAlign::center);

    float shared_lo = INFINITY, shared_hi = -INFINITY;
    for (const Tile& t : tiles) {
        float lo, hi;
        range_of(t, st.symmetric, lo, hi);
        shared_lo = std::min(shared_lo, lo), shared_hi = std::max(shared_hi, hi);
    }
    for (size_t i = 0; i < tiles.size(); ++i) {
        const Tile& t = tiles[i];
        float lo = shared_lo, hi = shared_hi;
        if (!st.shared_range) range_of(t, st.symmetric, lo, hi);
        const int ox = st.gap + static_cast<int>(i % columns) * cell_w + (cell_w - st.gap - t.cols * block) / 2;
        const int oy = title_h + st.gap + static_cast<int>(i / columns) * cell_h;
        for (int r = 0; r < t.rows; ++r)
            for (int c = 0; c < t.cols; ++c) {
                const float v = t.values[static_cast<size_t>(r) * t.cols + c];
                const float u = hi > lo ? (v - lo) / (hi - lo) : 0.5f;
                const int draw_r = st.row0_at_bottom ? t.rows - 1 - r : r;
                img.fill_rect(ox + c * block, oy + draw_r * block, block, block, colormap_color(st.map, u));
            }
        img.stroke_rect(ox - 1, oy - 1, t.cols * block + 2, t.rows * block + 2, colors::gray);
        if (!t.label.empty())
            draw_text(img, ox + t.cols * block / 2, oy + t.rows * block + 4, t.label, colors::black, 1, HAlign::center);
    }
    if (st.legend) {
        const int y = title_h + grid_h + 2;
        if (st.shared_range) {  // a horizontal colour bar, lowest value on the left
            const int bw = std::min(240, img.width() - 2 * st.gap), bx = (img.width() - bw) / 2;
            for (int x = 0; x < bw; ++x) img.fill_rect(bx + x, y, 1, 12, colormap_color(st.map, (x + 0.5f) / bw));
            img.stroke_rect(bx - 1, y - 1, bw + 2, 14, colors::gray);
            char lo[32], mid[32], hi[32];
            std::snprintf(lo, sizeof lo, "%.3g", shared_lo);
            std::snprintf(mid, sizeof mid, "%.3g", (shared_lo + shared_hi) / 2);
            std::snprintf(hi, sizeof hi, "%.3g", shared_hi);
            draw_text(img, bx, y + 16, lo, colors::black, 1, HAlign::left);
            draw_text(img, bx + bw / 2, y + 16, mid, colors::black, 1, HAlign::center);
            draw_text(img, bx + bw, y + 16, hi, colors::black, 1, HAlign::right);
        } else {
            draw_text(img, img.width() / 2, y + 8, "each tile coloured from its own minimum to its own maximum",
                      colors::gray, 1, HAlign::center);
        }
    }
    return img;
}

std::vector<Tile> kernel_tiles(const float* w, int out_ch, int in_ch, int kh, int kw) {
    if (!w || out_ch <= 0 || in_ch <= 0 || kh <= 0 || kw <= 0)
        throw std::invalid_argument("kernel_tiles: bad weight shape (" + std::to_string(out_ch) + ", " +
                                    std::to_string(in_ch) + ", " + std::to_string(kh) + ", " + std::to_string(kw) +
                                    ")");
    std::vector<Tile> tiles;
    const size_t k = static_cast<size_t>(kh) * kw;
    for (int o = 0; o < out_ch; ++o)
        for (int i = 0; i < in_ch; ++i) {
            const float* p = w + (static_cast<size_t>(o) * in_ch + i) * k;
            tiles.push_back({std::vector<float>(p, p + k), kh, kw,
                             "o" + std::to_string(o) + (in_ch > 1 ? "/i" + std::to_string(i) : "")});
        }
    return tiles;
}

std::vector<Tile> feature_map_tiles(const float* a, int channels, int h, int w, const std::string& layer,
                                    int max_channels) {
    if (!a || channels <= 0 || h <= 0 || w <= 0)
        throw std::invalid_argument("feature_map_tiles: bad activation shape (" + std::to_string(channels) + ", " +
                                    std::to_string(h) + ", " + std::to_string(w) + ") for " + layer);
    std::vector<Tile> tiles;
    const size_t n = static_cast<size_t>(h) * w;
    for (int c = 0; c < std::min(channels, std::max(1, max_channels)); ++c)
        tiles.push_back({std::vector<float>(a + c * n, a + (c + 1) * n), h, w, layer + " c" + std::to_string(c)});
    return tiles;
}

Image render_feature_maps(const std::vector<LayerActivations>& layers, int max_channels, int columns) {
    if (layers.empty()) throw std::invalid_argument("render_feature_maps: no layers");
    std::vector<Image> parts;
    for (const LayerActivations& l : layers) {
        GridStyle st;
        const int shown = std::min(l.channels, std::max(1, max_channels));
        st.title = l.name + ": " + std::to_string(l.channels) + " channels of " + std::to_string(l.h) + " x " +
                   std::to_string(l.w) + (shown < l.channels ? ", first " + std::to_string(shown) + " shown" : "");
        st.map = Colormap::magma;
        st.symmetric = false;
        st.shared_range = false;
        st.columns = columns;
        st.tile_px = std::max(64, std::min(128, std::max(l.h, l.w)));  // small maps are enlarged to >= 64 px
        st.legend = &l == &layers.back();  // the "own range" note once, at the bottom
        auto tiles = feature_map_tiles(l.data, l.channels, l.h, l.w, l.name, max_channels);
        for (size_t c = 0; c < tiles.size(); ++c) tiles[c].label = "c" + std::to_string(c);  // title names the layer
        parts.push_back(render_grid(tiles, st));
    }
    return stack_vertically(parts, 16);
}

}  // namespace melgrad::figures
