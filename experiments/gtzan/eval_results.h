// What `melgrad eval` measured, as data: one EvalResults per evaluation. It is written once, to
// runs/NAME/eval.json (experiments/gtzan/eval_file.h); the printed table, eval.txt and per_genre.csv are
// generated from it, and the report page reads it back. Accuracies are fractions (0.652 = 65.2 %).
#pragma once
#include <string>
#include <vector>

#include "experiments/gtzan/metrics.h"

namespace melgrad::gtzan {

struct PartScores {
    std::string name;           // train | validation | test
    long chunks = 0;            // chunks evaluated
    long clips = 0;             // clips they come from
    double chunk_accuracy = 0;  // each chunk on its own
    double clip_accuracy = 0;   // a clip's prediction: the mean of its chunks' probabilities
    double loss = 0;            // mean cross-entropy per chunk
};

struct GenreScores {  // test part, chunk level
    std::string genre;
    double precision = 0, recall = 0, f1 = 0;
    long support = 0;  // test chunks of this genre
};

struct EvalResults {
    std::string run;                // the run folder as given to melgrad eval
    std::string model;              // the checkpoint's model name, e.g. paper-cnn
    int epoch = 0;                  // the checkpoint's epoch (the best on validation)
    std::string split;              // paper | clip | fault-filtered
    std::string split_description;  // describe_split(): the parts' sizes and what the split means
    std::string data;               // the dataset file evaluated on
    bool synthetic = false;         // that file holds synthetic clips (melgrad synth-gtzan), not GTZAN
    std::string layout = "gtzan";   // the dataset's layout: "folders" for your own classes (no paper figures)
    std::vector<PartScores> parts;  // in the order evaluated
    std::vector<GenreScores> test_per_genre;

    const PartScores* part(const std::string& name) const;  // nullptr when not evaluated
};

// Precision, recall, F1 and support of every class of `c`.
std::vector<GenreScores> genre_scores(const Confusion& c, const std::vector<std::string>& names);

// The table `melgrad eval` prints (and writes to eval.txt), with the paper's figures beside ours.
std::string eval_table_text(const EvalResults& r);
// per_genre.csv: "genre,precision,recall,f1", one row per genre.
std::string per_genre_csv_text(const std::vector<GenreScores>& genres);

}  // namespace melgrad::gtzan
