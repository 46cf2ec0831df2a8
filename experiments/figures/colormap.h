// Colour maps: a number in [0, 1] -> a colour. magma and viridis are perceptually uniform (equal steps in
// value look like equal steps in colour, and they stay readable in grey), so spectrograms use them; gray is
// the plain ramp; RdBu is diverging (red, white at 0.5, blue) for values with a sign such as conv kernels,
// and rdbu_r is the same reversed (negative = blue, positive = red). Data: matplotlib's published tables,
// see colormap_tables.cpp.
#pragma once
#include <string>

#include "experiments/figures/image.h"

namespace melgrad::figures {

enum class Colormap { magma, viridis, gray, rdbu, rdbu_r };

// Like matplotlib with its default 256 levels: t is clipped to [0,1], level k = min(floor(t*256), 255),
// and the colour is the table's k-th entry (magma, viridis) or the map at k/255 (gray, RdBu), rounded to
// 8 bits. NaN gives the lowest colour.
Rgb colormap_color(Colormap map, float t);
// The same before rounding, each channel in [0,1] (for tests against the published values).
void colormap_rgb01(Colormap map, float t, float rgb[3]);

// "magma", "viridis", "gray", "rdbu", "rdbu_r" -> the map; throws std::invalid_argument listing the names.
Colormap colormap_from_name(const std::string& name);
const char* colormap_name(Colormap map);

}  // namespace melgrad::figures
