// The figures of one run folder (runs/NAME/), as the `melgrad plot-curves`, `plot-confusion`, `report` and
// `images` commands make them. Each returns the paths it wrote; folders are created as needed.
#pragma once
#include <string>
#include <vector>

namespace melgrad::figures {

// metrics.csv -> figures/accuracy.png, accuracy.svg, loss.png, loss.svg
std::vector<std::string> plot_curves(const std::string& run_dir);
// confusion.csv -> figures/confusion.png
std::vector<std::string> plot_confusion(const std::string& run_dir);
// The sub-folder of `runs_root` modified last (its own time or its newest file's, whichever is later);
// throws std::runtime_error when there is none.
std::string latest_run_dir(const std::string& runs_root);
// Everything the run's files allow (curves if metrics.csv exists, the confusion matrix if confusion.csv
// exists), then report.html. `log` receives one line per file written or step skipped.
std::vector<std::string> make_run_images(const std::string& run_dir, std::vector<std::string>* log = nullptr);

}  // namespace melgrad::figures
