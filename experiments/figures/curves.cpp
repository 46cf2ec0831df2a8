// Accuracy and loss charts from metrics.csv rows (see curves.h).
#include "experiments/figures/curves.h"

#include <cmath>

#include "experiments/paper.h"

namespace melgrad::figures {

double accuracy_percent_factor(const std::vector<EpochMetrics>& rows) {
    for (const EpochMetrics& m : rows)
        if (m.train_acc > 1.0 || m.val_acc > 1.0) return 1.0;
    return 100.0;
}

LineChart accuracy_chart(const std::vector<EpochMetrics>& rows) {
    const double f = accuracy_percent_factor(rows);
    LineChart c;
    c.title = "accuracy per epoch";
    c.y_label = "accuracy (%)";
    Series train{"train", {}, {}, colors::tab_blue}, val{"validation", {}, {}, colors::tab_orange};
    for (const EpochMetrics& m : rows) {
        train.x.push_back(m.epoch), train.y.push_back(m.train_acc * f);
        val.x.push_back(m.epoch), val.y.push_back(m.val_acc * f);
    }
    c.series = {train, val};
    c.references = {{kPaper.train_accuracy, "paper train " + paper_percent(kPaper.train_accuracy), {110, 150, 200}},
                    {kPaper.test_accuracy, "paper test " + paper_percent(kPaper.test_accuracy), {230, 160, 90}}};
    c.y_max = 100;
    return c;
}

LineChart loss_chart(const std::vector<EpochMetrics>& rows) {
    LineChart c;
    c.title = "loss per epoch (cross-entropy)";
    c.y_label = "loss";
    Series train{"train", {}, {}, colors::tab_blue}, val{"validation", {}, {}, colors::tab_orange};
    for (const EpochMetrics& m : rows) {
        train.x.push_back(m.epoch), train.y.push_back(m.train_loss);
        val.x.push_back(m.epoch), val.y.push_back(m.val_loss);
    }
    c.series = {train, val};
    c.y_min = 0;
    return c;
}

}  // namespace melgrad::figures
