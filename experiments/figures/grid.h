// A grid of small heat maps with a label under each: the first conv layer's kernels (one tile per
// output x input channel, enlarged, diverging colours so the sign shows), or a layer's feature maps
// (one tile per channel) for one input chunk.
#pragma once
#include <string>
#include <vector>

#include "experiments/figures/colormap.h"
#include "experiments/figures/image.h"

namespace melgrad::figures {

struct Tile {
    std::vector<float> values;  // rows x cols, row-major
    int rows = 0, cols = 0;
    std::string label;          // drawn under the tile ("" = none)
};

struct GridStyle {
    std::string title;
    int columns = 8;              // tiles per row of the grid
    int tile_px = 64;             // the longer side of a tile, in pixels (each value becomes a square block)
    Colormap map = Colormap::rdbu_r;
    // Colour range: symmetric = [-m, m] with m the largest |value| (0 is always the middle, white in
    // rdbu_r); otherwise [min, max]. shared = one range for all tiles (kernels are comparable), or each
    // tile its own (feature maps differ in scale from channel to channel).
    bool symmetric = true;
    bool shared_range = true;
    bool row0_at_bottom = true;   // as the spectrogram: row 0 = lowest frequency at the bottom
    int gap = 6;                  // pixels between tiles
    bool legend = true;           // a colour bar with the range under the grid (or a note when not shared)
};

Image render_grid(const std::vector<Tile>& tiles, const GridStyle& style);

// Kernels of a conv layer, weight shape (out_channels, in_channels, kh, kw) as in PyTorch's Conv2d:
// one tile per (out, in) pair, labelled "o3" (or "o3/i1" when in_channels > 1).
std::vector<Tile> kernel_tiles(const float* weight, int out_channels, int in_channels, int kh, int kw);
// Activations of one layer for one input, shape (channels, h, w): one tile per channel, labelled
// "LAYER c5"; at most max_channels tiles (the first ones).
std::vector<Tile> feature_map_tiles(const float* activations, int channels, int h, int w, const std::string& layer,
                                    int max_channels = 64);

// One layer's activations for one input, shape (channels, h, w), e.g. the output of each conv block.
struct LayerActivations {
    std::string name;  // "conv1", "block2", ...
    const float* data = nullptr;
    int channels = 0, h = 0, w = 0;
};
// A titled grid per layer ("conv2: 64 channels of 32 x 32, first 16 shown"), one under another; each tile
// in magma, scaled to its own range (channels differ in scale), row 0 at the bottom like the input chunk.
Image render_feature_maps(const std::vector<LayerActivations>& layers, int max_channels = 16, int columns = 8);

}  // namespace melgrad::figures
