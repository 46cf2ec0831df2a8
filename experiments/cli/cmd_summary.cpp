// melgrad summary / model-text: look at a model before training it.
#include <cstdio>
#include <sstream>
#include <string>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "framework/model_text.h"

namespace melgrad::cli {
namespace {

// The comment lines a model text opens with: what the model is (for paper-cnn, that the paper gives no exact
// architecture and this is our reading of it).
std::string leading_comments(const std::string& text) {
    std::string out, line;
    std::istringstream in(text);
    while (std::getline(in, line) && !line.empty() && line[0] == '#') out += line + "\n";
    return out;
}

int cmd_summary(const std::vector<std::string>& args) {
    Args a(args, "melgrad summary");
    std::string model = a.option("--model", "paper-cnn");
    int batch = a.int_option("--batch", 1, 1, 1 << 16);
    const int classes = a.int_option("--classes", 10, 1, 1 << 20);  // what `linear out=classes` stands for
    a.finish_no_positional();
    BuiltModel built = build_model(resolve_model_text(model), model, 0, classes);  // errors name the file and line
    Shape input = built.input_shape;
    input.insert(input.begin(), batch);
    const std::string text = resolve_model_text(model);
    std::printf("Model: %s\n%s%s", model.c_str(), leading_comments(text).c_str(),
                model_summary(*built.model, input).c_str());
    return 0;
}

int cmd_model_text(const std::vector<std::string>& args) {
    Args a(args, "melgrad model-text");
    const auto& rest = a.finish();
    if (rest.size() != 1) throw UsageError("give one model name, e.g. melgrad model-text paper-cnn");
    std::fputs(resolve_model_text(rest[0]).c_str(), stdout);
    return 0;
}

MELGRAD_COMMAND("summary", "print a model's layers, output shapes and parameter counts",
                "usage: melgrad summary [--model paper-cnn|tiny-cnn|crnn|FILE] [--batch N] [--classes 10]\n\n"
                "Builds the model from its text description and prints each layer, its output shape and\n"
                "its parameter count, and the total (like Keras' summary()). --classes: the class count that\n"
                "'linear out=classes' stands for (training takes it from the dataset; 10, GTZAN's genres, here).",
                cmd_summary);
MELGRAD_COMMAND("model-text", "print a builtin model's text description (to copy and edit)",
                "usage: melgrad model-text NAME\n\nPrints the model text; save it to a file, edit it and pass the\n"
                "file to --model.",
                cmd_model_text);

}  // namespace
}  // namespace melgrad::cli
