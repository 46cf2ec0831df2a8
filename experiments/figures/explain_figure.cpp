// The picture of melgrad explain (see explain_figure.h).
#include "experiments/figures/explain_figure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "experiments/figures/heatmap.h"
#include "experiments/figures/text.h"

namespace melgrad::figures {

std::vector<float> chunks_side_by_side(const float* chunks, int n, int rows, int cols) {
    std::vector<float> wide((size_t)rows * n * cols);
    for (int i = 0; i < n; i++)
        for (int r = 0; r < rows; r++)
            std::copy(chunks + ((size_t)i * rows + r) * cols, chunks + ((size_t)i * rows + r + 1) * cols,
                      wide.begin() + (size_t)r * n * cols + (size_t)i * cols);
    return wide;
}

namespace {

void check(const ExplainFigureInput& in) {
    if (in.n <= 0 || in.rows <= 0 || in.cols <= 0 || !in.input)
        throw std::invalid_argument("render_explain_figure: no chunks to draw");
    if ((int)in.top_lines.size() != in.n || (int)in.highlighted.size() != in.n)
        throw std::invalid_argument("render_explain_figure: " + std::to_string(in.n) + " chunks but " +
                                    std::to_string(in.top_lines.size()) + " lists of top genres and " +
                                    std::to_string(in.highlighted.size()) + " highlighted lines");
    for (const auto& o : in.overlays)
        if (!o.values) throw std::invalid_argument("render_explain_figure: overlay '" + o.title + "' has no values");
}

// The heat-map figure of one panel: the song's time axis, mel bands labelled in Hz.
HeatmapFigure panel_figure(const ExplainFigureInput& in, const std::vector<float>& wide, const std::string& title) {
    SpectrogramStyle st;
    st.title = title;
    st.sample_rate = in.sample_rate;
    st.hop_length = in.hop_length;
    st.frequency = SpectrogramStyle::Frequency::mel_hz;
    st.fmin = in.fmin, st.fmax = in.fmax;
    st.db = false;
    st.plot_w = std::max(in.n * in.cols, 512);
    st.plot_h = std::max(2 * in.rows, 256);
    HeatmapFigure f = spectrogram_figure(wide.data(), in.rows, in.n * in.cols, st);
    f.x_lo += in.start_seconds, f.x_hi += in.start_seconds;
    return f;
}

void draw_chunk_borders(Image& img, const PlotArea& p, const ExplainFigureInput& in) {
    for (int i = 1; i < in.n; i++) {
        const float x = p.x + (float)i * p.w / in.n;
        img.draw_line(x, (float)p.y, x, (float)(p.y + p.h), colors::white, 1.f, 4.f);
    }
}

// The grey spectrogram with the map blended over it, cell by cell as render_heatmap_figure places cells.
void paint_overlay(Image& img, const PlotArea& p, const std::vector<float>& base, const std::vector<float>& map,
                   int rows, int cols, float base_lo, float base_hi) {
    for (int py = 0; py < p.h; ++py) {
        const int r = rows - 1 - std::min(rows - 1, (int)((py + 0.5) * rows / p.h));
        for (int px = 0; px < p.w; ++px) {
            const int c = std::min(cols - 1, (int)((px + 0.5) * cols / p.w));
            const size_t cell = (size_t)r * cols + c;
            const float t = base_hi > base_lo ? (base[cell] - base_lo) / (base_hi - base_lo) : 0.5f;
            const float v = std::clamp(map[cell], 0.0f, 1.0f);
            img.set(p.x + px, p.y + py, colormap_color(Colormap::gray, t));
            img.blend(p.x + px, p.y + py, colormap_color(Colormap::magma, v), v);
        }
    }
}

// The title and, above each chunk, its top genres (the explained one in red), as large as the chunk allows.
Image header(const ExplainFigureInput& in, const PlotArea& p, int width) {
    const int s = 2, lines = in.top_lines.empty() ? 0 : (int)in.top_lines[0].size();
    int widest = 0;
    for (const auto& chunk : in.top_lines)
        for (const auto& line : chunk) widest = std::max(widest, text_width(line, 2));
    const int ts = widest + 8 <= p.w / in.n ? 2 : 1;
    Image img(width, text_line_height(s) + 8 + lines * text_line_height(ts) + 4);
    if (text_width(in.title, s) < width - 8) draw_text(img, width / 2, 4, in.title, colors::black, s, HAlign::center);
    else draw_text(img, 4, 4, in.title, colors::black, s);  // too long to centre: from the left edge
    for (int i = 0; i < in.n; i++) {
        const int x = p.x + (int)((i + 0.5) * p.w / in.n);
        for (size_t l = 0; l < in.top_lines[i].size(); l++)
            draw_text(img, x, text_line_height(s) + 8 + (int)l * text_line_height(ts), in.top_lines[i][l],
                      (int)l == in.highlighted[i] ? colors::tab_red : colors::black, ts, HAlign::center);
    }
    return img;
}

}  // namespace

Image render_explain_figure(const ExplainFigureInput& in) {
    check(in);
    const int wide_cols = in.n * in.cols;
    const std::vector<float> base = chunks_side_by_side(in.input, in.n, in.rows, in.cols);
    HeatmapFigure spec = panel_figure(in, base, "the model's input: mel spectrogram (scaled)");
    spec.map = Colormap::gray;
    spec.colorbar_label = "input";
    std::vector<Image> panels{render_heatmap_figure(base.data(), in.rows, wide_cols, spec)};
    const PlotArea area = heatmap_plot_area(in.rows, wide_cols, spec);
    draw_chunk_borders(panels[0], area, in);
    for (const auto& o : in.overlays) {
        const std::vector<float> map = chunks_side_by_side(o.values, in.n, in.rows, in.cols);
        HeatmapFigure f = panel_figure(in, base, o.title);
        f.map = Colormap::magma;
        f.vmin = 0, f.vmax = 1;
        f.colorbar_label = o.colorbar_label;
        Image img = render_heatmap_figure(map.data(), in.rows, wide_cols, f);  // axes and the map's colour bar
        const PlotArea p = heatmap_plot_area(in.rows, wide_cols, f);
        paint_overlay(img, p, base, map, in.rows, wide_cols, spec.vmin, spec.vmax);
        draw_chunk_borders(img, p, in);
        panels.push_back(img);
    }
    int width = 0;
    for (const Image& im : panels) width = std::max(width, im.width());
    panels.insert(panels.begin(), header(in, area, width));
    return stack_vertically(panels, 6);
}

std::vector<std::string> genre_lines(const std::vector<float>& probs, const std::vector<std::string>& genres,
                                     int target, int* highlighted) {
    std::vector<int> order(probs.size());
    for (size_t g = 0; g < order.size(); ++g) order[g] = int(g);
    const size_t k = std::min<size_t>(3, order.size());
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int a, int b) { return probs[a] > probs[b]; });
    order.resize(k);
    if (std::find(order.begin(), order.end(), target) == order.end()) order.push_back(target);
    std::vector<std::string> lines;
    *highlighted = -1;
    for (int g : order) {
        if (g == target) *highlighted = int(lines.size());
        char pct[16];
        std::snprintf(pct, sizeof pct, " %.0f%%", 100 * probs[g]);
        lines.push_back(genres[g] + pct);
    }
    return lines;
}

}  // namespace melgrad::figures
