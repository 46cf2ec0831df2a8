// The paper's reported results, written down once: Ray et al., "Music Genre Classification Using CNNs",
// section III ("training accuracy 96 %, test accuracy 82 %", chunk level). The eval table, the accuracy
// curves' dashed lines, the report page and the command help all read them from here.
#pragma once
#include <cstdio>
#include <string>

namespace melgrad {

struct PaperResults {
    double train_accuracy;  // percent, chunk level
    double test_accuracy;   // percent, chunk level
};

inline constexpr PaperResults kPaper{96.0, 82.0};

// A figure as the paper writes it, in whole percent: 96.0 -> "96%".
inline std::string paper_percent(double percent) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f%%", percent);
    return text;
}

}  // namespace melgrad
