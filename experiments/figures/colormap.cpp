// Colour map lookups (see colormap.h); the tables are in colormap_tables.cpp.
#include "experiments/figures/colormap.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace melgrad::figures {

extern const float kMagmaTable[256][3];
extern const float kViridisTable[256][3];
extern const float kRdBuTable[11][3];

namespace {

constexpr int kLevels = 256;

// matplotlib's rule for a float in [0,1] -> one of 256 levels (1.0 falls in the top level).
int level_of(float t) {
    if (!(t > 0.f)) return 0;  // also NaN
    return std::min(static_cast<int>(t * kLevels), kLevels - 1);
}

// Linear interpolation through n evenly spaced colour points, x in [0,1] (how matplotlib builds RdBu).
void interpolate(const float (*points)[3], int n, float x, float rgb[3]) {
    const float pos = x * (n - 1);
    const int i = std::min(static_cast<int>(pos), n - 2);
    const float f = pos - i;
    for (int c = 0; c < 3; ++c) rgb[c] = points[i][c] + f * (points[i + 1][c] - points[i][c]);
}

}  // namespace

void colormap_rgb01(Colormap map, float t, float rgb[3]) {
    int k = level_of(t);
    const float x = static_cast<float>(k) / (kLevels - 1);
    switch (map) {
        case Colormap::magma: std::copy(kMagmaTable[k], kMagmaTable[k] + 3, rgb); return;
        case Colormap::viridis: std::copy(kViridisTable[k], kViridisTable[k] + 3, rgb); return;
        case Colormap::gray: rgb[0] = rgb[1] = rgb[2] = x; return;
        case Colormap::rdbu: interpolate(kRdBuTable, 11, x, rgb); return;
        case Colormap::rdbu_r: interpolate(kRdBuTable, 11, 1.f - x, rgb); return;
    }
}

Rgb colormap_color(Colormap map, float t) {
    float rgb[3];
    colormap_rgb01(map, t, rgb);
    auto byte = [](float v) { return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.f, 1.f) * 255.f)); };
    return {byte(rgb[0]), byte(rgb[1]), byte(rgb[2])};
}

Colormap colormap_from_name(const std::string& name) {
    for (Colormap m : {Colormap::magma, Colormap::viridis, Colormap::gray, Colormap::rdbu, Colormap::rdbu_r})
        if (name == colormap_name(m)) return m;
    throw std::invalid_argument("unknown colour map '" + name + "' (use magma, viridis, gray, rdbu or rdbu_r)");
}

const char* colormap_name(Colormap map) {
    switch (map) {
        case Colormap::magma: return "magma";
        case Colormap::viridis: return "viridis";
        case Colormap::gray: return "gray";
        case Colormap::rdbu: return "rdbu";
        case Colormap::rdbu_r: return "rdbu_r";
    }
    return "?";
}

}  // namespace melgrad::figures
