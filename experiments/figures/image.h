// An RGB canvas for the project's figures: set pixels, fill rectangles, draw lines, save as PNG.
// Coordinates are pixels, (0,0) is the top-left corner, x grows right and y grows down (as in every
// image file). Drawing outside the canvas is clipped silently, so callers need not check bounds.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace melgrad::figures {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
    bool operator!=(const Rgb& o) const { return !(*this == o); }
};

// A few named colours used across the figures (matplotlib's "tab10" first two for train/validation).
namespace colors {
constexpr Rgb white{255, 255, 255};
constexpr Rgb black{0, 0, 0};
constexpr Rgb gray{128, 128, 128};
constexpr Rgb light_gray{225, 225, 225};
constexpr Rgb tab_blue{31, 119, 180};
constexpr Rgb tab_orange{255, 127, 14};
constexpr Rgb tab_green{44, 160, 44};
constexpr Rgb tab_red{214, 39, 40};
}  // namespace colors

class Image {
public:
    Image() = default;
    Image(int width, int height, Rgb background = colors::white);

    int width() const { return width_; }
    int height() const { return height_; }
    bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < width_ && y < height_; }

    Rgb get(int x, int y) const;        // throws std::out_of_range outside the canvas
    void set(int x, int y, Rgb color);  // ignored outside the canvas
    // Mixes `color` over the pixel: result = alpha*color + (1-alpha)*old, alpha in [0,1].
    void blend(int x, int y, Rgb color, float alpha);

    // Fills [x, x+w) x [y, y+h), clipped to the canvas.
    void fill_rect(int x, int y, int w, int h, Rgb color);
    // A 1-pixel outline of the same rectangle.
    void stroke_rect(int x, int y, int w, int h, Rgb color);
    // A straight line from (x0,y0) to (x1,y1), `thickness` pixels wide. Anti-aliased: each pixel is
    // blended by its coverage, estimated from its distance to the segment (1 inside, fading over 1 px).
    // dash > 0 draws dashes of `dash` pixels with gaps of the same length.
    void draw_line(float x0, float y0, float x1, float y1, Rgb color, float thickness = 1.f, float dash = 0.f);
    // Copies `src` with its top-left corner at (x, y), clipped.
    void paste(const Image& src, int x, int y);
    // The image turned 90 degrees counter-clockwise (used for vertical axis labels).
    Image rotated_ccw() const;

    // PNG bytes (stb_image_write), for files and for data: URIs.
    std::vector<std::uint8_t> encode_png() const;
    // Writes a PNG file; creates no folders. Throws std::runtime_error naming the path on failure.
    void save_png(const std::string& path) const;

    const std::vector<std::uint8_t>& pixels() const { return pixels_; }  // row-major RGB, 3 bytes a pixel

private:
    int width_ = 0, height_ = 0;
    std::vector<std::uint8_t> pixels_;
};

// The images one under another, left-aligned, `gap` pixels apart, on `background`.
Image stack_vertically(const std::vector<Image>& images, int gap = 10, Rgb background = colors::white);

}  // namespace melgrad::figures
