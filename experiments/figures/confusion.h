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

// cell_px: side of one cell in pixels (counts are drawn at text scale 2 from 48 px on).
Image render_confusion(const ConfusionMatrix& cm, const std::string& title = "confusion matrix", int cell_px = 56);

// Where cell (true_row, predicted_col) lies in render_confusion()'s image: its top-left corner.
void confusion_cell_origin(const ConfusionMatrix& cm, int cell_px, int row, int col, int& x, int& y);

}  // namespace melgrad::figures
