// Text drawing with stb_easy_font (see text.h).
#include "experiments/figures/text.h"

#include <algorithm>
#include <cmath>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb/stb_easy_font.h>
#pragma GCC diagnostic pop

namespace melgrad::figures {
namespace {

struct Quad {
    int x0, y0, x1, y1;  // half-open pixel box at scale 1, (0,0) = top-left of the first capital
};

// The font has printable ASCII only. A class name of your own may be UTF-8 ("Ünïcode", "été"): the Latin-1
// letters (U+00C0..U+00FF, two bytes C3 xx) lose their accent, any other character becomes one '?'.
std::string printable(const std::string& text) {
    static const char latin1[65] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
    std::string s;
    for (size_t i = 0; i < text.size(); i++) {
        const unsigned char c = (unsigned char)text[i];
        if (c == '\n' || c == '\t') s += ' ';
        else if (c >= 32 && c <= 126) s += (char)c;
        else if (c == 0xC3 && i + 1 < text.size() && ((unsigned char)text[i + 1] & 0xC0) == 0x80)
            s += latin1[(unsigned char)text[++i] - 0x80];
        else if ((c & 0xC0) != 0x80) s += '?';  // the lead byte of any other character (or a control byte)
    }
    return s;
}

// stb_easy_font emits 4 vertices (x, y, z floats + 4 colour bytes = 16 bytes) for each quad and silently
// truncates when the buffer is full: a glyph has up to ~12 quads = 768 bytes, so give it 1 KiB a character.
std::vector<Quad> glyph_quads(const std::string& text) {
    std::string s = printable(text);
    std::vector<char> buffer(std::max<size_t>(1, s.size()) * 1024 + 1024);
    int n = stb_easy_font_print(0, 0, s.data(), nullptr, buffer.data(), static_cast<int>(buffer.size()));
    std::vector<Quad> quads;
    for (int q = 0; q < n; ++q) {
        float minx = 1e9f, miny = 1e9f, maxx = -1e9f, maxy = -1e9f;
        for (int v = 0; v < 4; ++v) {
            const float* p = reinterpret_cast<const float*>(buffer.data() + (q * 4 + v) * 16);
            minx = std::min(minx, p[0]);
            maxx = std::max(maxx, p[0]);
            miny = std::min(miny, p[1]);
            maxy = std::max(maxy, p[1]);
        }
        auto px = [](float v) { return static_cast<int>(std::lround(v)); };
        quads.push_back({px(minx), px(miny), px(maxx), px(maxy)});
    }
    return quads;
}

}  // namespace

int text_width(const std::string& text, int scale) {
    int w = 0;
    for (const Quad& q : glyph_quads(text)) w = std::max(w, q.x1);
    return w * scale;
}

int text_cap_height(int scale) { return 7 * scale; }
int text_line_height(int scale) { return 10 * scale; }

void draw_text(Image& img, int x, int y, const std::string& text, Rgb color, int scale, HAlign h, VAlign v) {
    scale = std::max(scale, 1);
    const int w = text_width(text, scale);
    if (h == HAlign::center) x -= w / 2;
    if (h == HAlign::right) x -= w;
    if (v == VAlign::middle) y -= text_cap_height(scale) / 2;
    if (v == VAlign::bottom) y -= text_cap_height(scale);
    for (const Quad& q : glyph_quads(text))
        img.fill_rect(x + q.x0 * scale, y + q.y0 * scale, (q.x1 - q.x0) * scale, (q.y1 - q.y0) * scale, color);
}

void draw_text_vertical(Image& img, int x, int y, const std::string& text, Rgb color, int scale) {
    // Draw horizontally on a scratch canvas of the background under the target, then turn it.
    const int w = std::max(1, text_width(text, scale)), hgt = text_line_height(scale);
    const Rgb bg = color == colors::white ? colors::black : colors::white;  // any colour but the ink's
    Image scratch(w, hgt, bg);
    draw_text(scratch, 0, 0, text, color, scale);
    Image turned = scratch.rotated_ccw();  // hgt wide, w tall
    // Only the ink is copied, so the label does not blank what lies under its box.
    const int ox = x - text_cap_height(scale) / 2, oy = y - w / 2;
    for (int ty = 0; ty < turned.height(); ++ty)
        for (int tx = 0; tx < turned.width(); ++tx)
            if (turned.get(tx, ty) != bg) img.set(ox + tx, oy + ty, turned.get(tx, ty));
}

}  // namespace melgrad::figures
