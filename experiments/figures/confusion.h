// The confusion matrix as a labelled heat map (the paper's Fig. 4): row = true genre, column = predicted
// genre, each cell shows its count and is coloured by the share of the true genre's examples it holds
// (row-normalised, so a perfect classifier is a bright diagonal whatever the class sizes).
#pragma once
#include <string>
#include <vector>

#include "experiments/figures/image.h"

namespace melgrad::figures {

struct ConfusionMatrix {
    std::vector<std::string> labels;        // genre names, in row and column order
    std::vector<std::vector<long>> counts;  // counts[true][predicted]
    long total() const;
    long correct() const;  // the diagonal
    void validate(const std::string& where) const;  // throws std::invalid_argument when not square/negative
};

// cell_px: side of one cell in pixels (counts are drawn at text scale 2 from 48 px on, and left out when they do
// not fit the cell). 0 picks it from the class count: 56 px for 8 to 12 classes (GTZAN's figure), larger for
// fewer (the colour bar beside the grid, as tall as it, must hold its title), then smaller, so
// that 50 classes make a picture of about 1200 px; below 20 px the labels are drawn small, and when even
// those would overlap, only every second (third, ...) one is written.
Image render_confusion(const ConfusionMatrix& cm, const std::string& title = "confusion matrix", int cell_px = 0);
int confusion_cell_px(int classes);  // the cell size render_confusion picks for cell_px = 0

// Where cell (true_row, predicted_col) lies in render_confusion()'s image: its top-left corner (cell_px as given
// to render_confusion, 0 included).
void confusion_cell_origin(const ConfusionMatrix& cm, int cell_px, int row, int col, int& x, int& y);

}  // namespace melgrad::figures
