#include "experiments/gtzan/eval_results.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "experiments/csv.h"
#include "experiments/paper.h"

namespace melgrad::gtzan {

const PartScores* EvalResults::part(const std::string& name) const {
    for (const PartScores& p : parts)
        if (p.name == name) return &p;
    return nullptr;
}

std::vector<GenreScores> genre_scores(const Confusion& c, const std::vector<std::string>& names) {
    std::vector<GenreScores> out;
    for (int i = 0; i < c.n; i++) {
        GenreScores g{names[i], c.precision(i), c.recall(i), c.f1(i), 0};
        for (int p = 0; p < c.n; p++) g.support += c.at(i, p);
        out.push_back(g);
    }
    return out;
}

namespace {

// The paper reports chunk accuracy on train and test only.
std::string paper_figure(const std::string& part) {
    if (part == "train") return paper_percent(kPaper.train_accuracy);
    if (part == "test") return paper_percent(kPaper.test_accuracy);
    return "-";
}

// Characters as a terminal shows them: UTF-8 continuation bytes take no column ("été" is 3 wide, 5 bytes).
size_t display_width(const std::string& s) {
    size_t w = 0;
    for (unsigned char c : s) w += (c & 0xC0) != 0x80;
    return w;
}

// The name column is as wide as the longest class name (10 for GTZAN's genres, as it always was).
std::string per_genre_table(const std::vector<GenreScores>& genres) {
    size_t width = 10;
    for (const GenreScores& g : genres) width = std::max(width, display_width(g.genre));
    auto padded = [&](const std::string& name) { return "  " + name + std::string(width - display_width(name), ' '); };
    char numbers[160];
    std::snprintf(numbers, sizeof numbers, " %9s %9s %9s %8s\n", "precision", "recall", "F1", "support");
    std::string out = padded("genre") + numbers;
    for (const GenreScores& g : genres) {
        std::snprintf(numbers, sizeof numbers, " %9.3f %9.3f %9.3f %8ld\n", g.precision, g.recall, g.f1, g.support);
        out += padded(g.genre) + numbers;
    }
    return out;
}

}  // namespace

std::string eval_table_text(const EvalResults& r) {
    std::string out = "melgrad eval " + r.run + " — model " + r.model + ", epoch " + std::to_string(r.epoch) + ", " +
                      r.split_description + "\n";
    const bool gtzan = r.layout == "gtzan";
    out += r.synthetic ? "data: SYNTHETIC GTZAN-shaped stand-in (melgrad synth-gtzan) — not GTZAN results\n"
           : gtzan     ? "data: " + r.data + "\n"
                       : "data: " + r.data + " (your own classes, not GTZAN: no paper figures beside them)\n";
    char line[256];
    std::snprintf(line, sizeof line, "  %-11s %10s %10s %10s %8s   %s\n", "part", "chunks", "chunk acc", "clip acc",
                  "loss", "paper (chunk acc)");
    out += line;
    for (const PartScores& p : r.parts) {
        std::snprintf(line, sizeof line, "  %-11s %10ld %9.1f%% %9.1f%% %8.3f   %s\n", p.name.c_str(), p.chunks,
                      100 * p.chunk_accuracy, 100 * p.clip_accuracy, p.loss, gtzan ? paper_figure(p.name).c_str() : "-");
        out += line;
    }
    if (r.split == "paper") {
        out += "  note: the paper split shuffles chunks, so test chunks have neighbours from the same clip in training\n";
        for (const PartScores& p : r.parts)
            if (p.name == "test")  // a "clip" of the test part is only the chunks of it that landed there
                out += "  clip acc votes over the chunks a part holds of each clip: test holds " +
                       std::to_string(p.chunks) + " chunks of " + std::to_string(p.clips) + " clips\n";
    }
    if (!r.test_per_genre.empty()) out += "test, chunk level, per genre:\n" + per_genre_table(r.test_per_genre);
    return out;
}

std::string per_genre_csv_text(const std::vector<GenreScores>& genres) {
    std::ostringstream f;  // default stream formatting (6 significant digits), as before eval.json existed
    f << "genre,precision,recall,f1\n";
    for (const GenreScores& g : genres) f << csv_field(g.genre) << "," << g.precision << "," << g.recall << "," << g.f1 << "\n";
    return f.str();
}

}  // namespace melgrad::gtzan
