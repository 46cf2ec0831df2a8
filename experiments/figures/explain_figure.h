// The picture of `melgrad explain`: a song's chunks side by side, with the top-3 genres of each chunk above
// them, then the mel spectrogram the model saw and one panel per map (saliency, Grad-CAM) laid over it.
// Every panel is a heat-map figure (heatmap.h) with the time and mel-frequency axes of the other spectrogram
// figures; the spectrogram is drawn in grey and each map in magma over it, opaque where the map is 1 and
// transparent where it is 0. Dashed lines separate the chunks.
#pragma once
#include <string>
#include <vector>

#include "experiments/figures/image.h"

namespace melgrad::figures {

struct ExplainFigureInput {
    std::string title;                  // first line of the picture
    int n = 0, rows = 0, cols = 0;      // chunks, mel bands, frames per chunk
    const float* input = nullptr;       // n x rows x cols: the model's input (the scaled mel spectrogram)
    double start_seconds = 0;           // time of chunk 0's first frame; the chunks follow each other
    float sample_rate = 22050;
    int hop_length = 512;
    float fmin = 0, fmax = 0;           // the mel filterbank's range; fmax 0 = sample_rate / 2
    std::vector<std::vector<std::string>> top_lines;  // per chunk: "jazz 62%", "blues 20%", "rock 9%"
    std::vector<int> highlighted;       // per chunk: which of its lines is the explained genre (-1: none)
    struct Overlay {
        std::string title, colorbar_label;
        const float* values = nullptr;  // n x rows x cols, in [0, 1]
    };
    std::vector<Overlay> overlays;
};

// Throws std::invalid_argument when the sizes do not fit together.
Image render_explain_figure(const ExplainFigureInput& in);

// The lines above one chunk: its top-3 genres ("jazz 62%"), and the explained genre `target` below them when it
// is not among them, so that it is always shown; *highlighted says which line is the target's (drawn in red).
std::vector<std::string> genre_lines(const std::vector<float>& probs, const std::vector<std::string>& genres,
                                     int target, int* highlighted);

// Chunks side by side: n x rows x cols -> rows x (n * cols), row-major.
std::vector<float> chunks_side_by_side(const float* chunks, int n, int rows, int cols);

}  // namespace melgrad::figures
