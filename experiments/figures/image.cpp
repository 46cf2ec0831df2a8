// The RGB canvas (see image.h). PNG encoding is stb_image_write's; this is the one file that compiles it.
#include "experiments/figures/image.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "framework/atomic_file.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC  // keep stb's symbols private to this file
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace melgrad::figures {

Image::Image(int width, int height, Rgb background) : width_(width), height_(height) {
    if (width <= 0 || height <= 0 || width > 20000 || height > 20000)
        throw std::invalid_argument("Image: size " + std::to_string(width) + "x" + std::to_string(height) +
                                    " is not in 1..20000");
    pixels_.resize(static_cast<size_t>(width) * height * 3);
    for (size_t i = 0; i < pixels_.size(); i += 3) {
        pixels_[i] = background.r;
        pixels_[i + 1] = background.g;
        pixels_[i + 2] = background.b;
    }
}

Rgb Image::get(int x, int y) const {
    if (!contains(x, y))
        throw std::out_of_range("Image::get: (" + std::to_string(x) + "," + std::to_string(y) + ") is outside " +
                                std::to_string(width_) + "x" + std::to_string(height_));
    const std::uint8_t* p = &pixels_[(static_cast<size_t>(y) * width_ + x) * 3];
    return {p[0], p[1], p[2]};
}

void Image::set(int x, int y, Rgb c) {
    if (!contains(x, y)) return;
    std::uint8_t* p = &pixels_[(static_cast<size_t>(y) * width_ + x) * 3];
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

void Image::blend(int x, int y, Rgb c, float alpha) {
    if (!contains(x, y) || alpha <= 0.f) return;
    if (alpha >= 1.f) return set(x, y, c);
    std::uint8_t* p = &pixels_[(static_cast<size_t>(y) * width_ + x) * 3];
    auto mix = [alpha](std::uint8_t src, std::uint8_t dst) {
        return static_cast<std::uint8_t>(std::lround(alpha * src + (1.f - alpha) * dst));
    };
    p[0] = mix(c.r, p[0]);
    p[1] = mix(c.g, p[1]);
    p[2] = mix(c.b, p[2]);
}

void Image::fill_rect(int x, int y, int w, int h, Rgb c) {
    int x0 = std::max(x, 0), y0 = std::max(y, 0);
    int x1 = std::min(x + w, width_), y1 = std::min(y + h, height_);
    for (int yy = y0; yy < y1; ++yy)
        for (int xx = x0; xx < x1; ++xx) set(xx, yy, c);
}

void Image::stroke_rect(int x, int y, int w, int h, Rgb c) {
    fill_rect(x, y, w, 1, c);
    fill_rect(x, y + h - 1, w, 1, c);
    fill_rect(x, y, 1, h, c);
    fill_rect(x + w - 1, y, 1, h, c);
}

void Image::draw_line(float x0, float y0, float x1, float y1, Rgb c, float thickness, float dash) {
    // For every pixel near the segment: d = distance from the pixel's centre to the segment; the pixel is
    // covered fully when d <= thickness/2 and the coverage fades linearly to 0 over the next pixel.
    const float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    const float half = thickness / 2.f;
    const int bx0 = static_cast<int>(std::floor(std::min(x0, x1) - half - 1));
    const int bx1 = static_cast<int>(std::ceil(std::max(x0, x1) + half + 1));
    const int by0 = static_cast<int>(std::floor(std::min(y0, y1) - half - 1));
    const int by1 = static_cast<int>(std::ceil(std::max(y0, y1) + half + 1));
    const float len = std::sqrt(len2);
    for (int y = std::max(by0, 0); y <= std::min(by1, height_ - 1); ++y) {
        for (int x = std::max(bx0, 0); x <= std::min(bx1, width_ - 1); ++x) {
            const float px = x + 0.5f - x0, py = y + 0.5f - y0;
            float t = len2 > 0 ? (px * dx + py * dy) / len2 : 0.f;  // projection onto the segment, 0..1
            t = std::clamp(t, 0.f, 1.f);
            if (dash > 0 && std::fmod(t * len, 2 * dash) >= dash) continue;
            const float ex = px - t * dx, ey = py - t * dy;
            const float d = std::sqrt(ex * ex + ey * ey);
            const float coverage = std::clamp(half + 0.5f - d, 0.f, 1.f);
            blend(x, y, c, coverage);
        }
    }
}

void Image::paste(const Image& src, int x, int y) {
    for (int sy = 0; sy < src.height(); ++sy)
        for (int sx = 0; sx < src.width(); ++sx) set(x + sx, y + sy, src.get(sx, sy));
}

Image Image::rotated_ccw() const {
    Image out(height_, width_);
    // The source's right column becomes the top row: (x, y) -> (y, width-1-x).
    for (int y = 0; y < height_; ++y)
        for (int x = 0; x < width_; ++x) out.set(y, width_ - 1 - x, get(x, y));
    return out;
}

std::vector<std::uint8_t> Image::encode_png() const {
    std::vector<std::uint8_t> bytes;
    auto append = [](void* ctx, void* data, int size) {
        auto* out = static_cast<std::vector<std::uint8_t>*>(ctx);
        auto* d = static_cast<std::uint8_t*>(data);
        out->insert(out->end(), d, d + size);
    };
    if (width_ == 0 || !stbi_write_png_to_func(append, &bytes, width_, height_, 3, pixels_.data(), width_ * 3))
        throw std::runtime_error("Image::encode_png: could not encode a " + std::to_string(width_) + "x" +
                                 std::to_string(height_) + " image");
    return bytes;
}

void Image::save_png(const std::string& path) const {
    if (width_ == 0) throw std::runtime_error(path + ": cannot save an empty image");
    const std::vector<std::uint8_t> bytes = encode_png();
    write_file_atomically(path, {ByteSpan{bytes.data(), bytes.size()}});  // checked, never a truncated PNG
}

Image stack_vertically(const std::vector<Image>& images, int gap, Rgb background) {
    if (images.empty()) throw std::invalid_argument("stack_vertically: no images");
    int w = 0, h = 0;
    for (const Image& im : images) w = std::max(w, im.width()), h += im.height() + gap;
    Image out(w, h - gap, background);
    int y = 0;
    for (const Image& im : images) out.paste(im, 0, y), y += im.height() + gap;
    return out;
}

}  // namespace melgrad::figures
