// Text on an Image, with stb_easy_font's small vector font (a few line segments per glyph, made of
// axis-aligned quads) drawn as filled rectangles. `scale` enlarges it by an integer factor, so text stays
// crisp: at scale 1 a capital is 7 px tall and about 4 px wide (printable ASCII only).
#pragma once
#include <string>

#include "experiments/figures/image.h"

namespace melgrad::figures {

enum class HAlign { left, center, right };
enum class VAlign { top, middle, bottom };  // top of the capitals, their middle, or the baseline

// Width in pixels of the ink of `text` (no trailing spacing) and its capital height (7 * scale).
int text_width(const std::string& text, int scale = 1);
int text_cap_height(int scale = 1);
// Space one line of text takes, descenders included: 10 * scale.
int text_line_height(int scale = 1);

// Draws `text` anchored at (x, y) as `h`/`v` say; single line (newlines become spaces).
void draw_text(Image& img, int x, int y, const std::string& text, Rgb color, int scale = 1,
               HAlign h = HAlign::left, VAlign v = VAlign::top);
// The same text turned 90 degrees counter-clockwise (read bottom to top), centred on (x, y): y-axis labels.
void draw_text_vertical(Image& img, int x, int y, const std::string& text, Rgb color, int scale = 1);

}  // namespace melgrad::figures
