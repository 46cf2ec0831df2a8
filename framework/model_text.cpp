#include "framework/model_text.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "framework/layers/batchnorm2d.h"
#include "framework/layers/conv2d.h"
#include "framework/layers/dropout.h"
#include "framework/layers/flatten.h"
#include "framework/layers/gru.h"
#include "framework/layers/leaky_relu.h"
#include "framework/layers/linear.h"
#include "framework/layers/pool2d.h"
#include "framework/layers/relu.h"
#include "framework/layers/to_sequence.h"
#include "framework/input_file.h"
#include "framework/rng.h"

namespace melgrad {

const char* builtin_model_text(const std::string& name);  // experiments/models/builtin_models.cpp

namespace {

constexpr size_t kMaxModelTextBytes = 1 << 20;  // a model description is a few lines

struct Line {
    std::string layer;
    std::map<std::string, std::string> options;
    std::vector<std::string> words;  // positional words (used by `input`)
};

std::string number_text(double v) {  // 2147483647, 1e+300, nan: the number as the user wrote it, near enough
    char b[32];
    std::snprintf(b, sizeof b, "%.15g", v);
    return b;
}

// Sizes a model text may ask for: generous for any real model, far below what would exhaust the memory.
constexpr int kMaxChannels = 1 << 16, kMaxKernel = 1 << 10, kMaxFeatures = 1 << 20, kMaxInputDim = 1 << 16;
constexpr uint64_t kMaxLayerElements = uint64_t(1) << 28;  // per weight tensor and per example's activation

void check_elements(uint64_t n, const std::string& what, const std::string& where) {
    if (n > kMaxLayerElements)
        throw std::invalid_argument(where + ": " + what + " would hold " + std::to_string(n) + " numbers, more than " +
                                    std::to_string(kMaxLayerElements) + " (is a size mistyped?)");
}

class Options {
public:
    Options(const Line& l, const std::string& where) : line_(l), where_(where) {}
    double number(const std::string& key, double fallback, bool required = false) {
        used_.insert(key);
        auto it = line_.options.find(key);
        if (it == line_.options.end()) {
            if (required) {
                std::string given;
                for (auto& kv : line_.options) given += " " + kv.first + "=" + kv.second;
                throw std::invalid_argument(where_ + ": " + line_.layer + " needs " + key + "=" +
                                            (given.empty() ? "" : " (given:" + given + ")"));
            }
            return fallback;
        }
        std::istringstream is(it->second);
        double v;
        if (!(is >> v) || !is.eof())
            throw std::invalid_argument(where_ + ": " + key + "=" + it->second + " is not a number");
        return v;
    }
    // A whole number in lo..hi (checked as a double first: casting 1e300 to int would be undefined).
    int integer(const std::string& key, int fallback, bool required = false, int lo = INT_MIN, int hi = INT_MAX) {
        double v = number(key, fallback, required);
        if (!(v >= lo && v <= hi))
            throw std::invalid_argument(where_ + ": " + key + "=" + number_text(v) +
                                        (lo == 1 && v < 1 ? " must be positive (" : " is outside (") + std::to_string(lo) +
                                        ".." + std::to_string(hi) + ")");
        if (v != (int)v) throw std::invalid_argument(where_ + ": " + key + " must be an integer");
        return (int)v;
    }
    // A real number with lo < v <= hi (lo_open) or lo <= v <= hi; NaN fails both.
    double real(const std::string& key, double fallback, double lo, double hi, bool lo_open) {
        double v = number(key, fallback);
        if (!(lo_open ? v > lo : v >= lo) || !(v <= hi))
            throw std::invalid_argument(where_ + ": " + key + "=" + number_text(v) + " must be in " + (lo_open ? "(" : "[") +
                                        number_text(lo) + ", " + number_text(hi) + "]");
        return v;
    }
    // A word from a fixed list, e.g. output=last|sequence.
    std::string word(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed) {
        used_.insert(key);
        auto it = line_.options.find(key);
        if (it == line_.options.end()) return fallback;
        std::string list;
        for (auto& a : allowed) {
            if (it->second == a) return a;
            list += (list.empty() ? "" : "|") + a;
        }
        throw std::invalid_argument(where_ + ": " + key + "=" + it->second + " is not one of " + list);
    }
    void finish() {
        for (auto& kv : line_.options)
            if (!used_.count(kv.first))
                throw std::invalid_argument(where_ + ": unknown option '" + kv.first + "' for " + line_.layer);
    }

private:
    const Line& line_;
    std::string where_;
    std::set<std::string> used_;
};

// One layer from its line; `shape` is the input it gets (1, C, H, W) or (1, F) or (1, T, F). Every number
// is range-checked here, so no layer is ever constructed with sizes that would ask for gigabytes.
std::unique_ptr<Module> make_layer(const Line& l, Options& o, const Shape& shape, Rng& rng, const std::string& where) {
    std::unique_ptr<Module> layer;
    auto need_4d = [&](const char* name) {
        if (shape.size() != 4)
            throw std::invalid_argument(where + ": " + name + " needs an image input (C, H, W), the input here is " +
                                        shape_str(Shape(shape.begin() + 1, shape.end())));
    };
    if (l.layer == "conv2d") {
        need_4d("conv2d");
        int out = o.integer("out", 0, true, 1, kMaxChannels), k = o.integer("kernel", 0, true, 1, kMaxKernel);
        const int stride = o.integer("stride", 1, false, 1, kMaxKernel), padding = o.integer("padding", 0, false, 0, kMaxKernel);
        check_elements((uint64_t)out * shape[1] * k * k, "the conv2d weight", where);
        auto conv = std::make_unique<Conv2d>(shape[1], out, k, stride, padding, o.integer("bias", 1, false, 0, 1) != 0);
        conv->reset_parameters(rng);
        layer = std::move(conv);
    } else if (l.layer == "batchnorm2d") {
        need_4d("batchnorm2d");
        const double eps = o.real("eps", 1e-5, 0.0, 1.0, true), momentum = o.real("momentum", 0.1, 0.0, 1.0, false);
        layer = std::make_unique<BatchNorm2d>(shape[1], (float)eps, (float)momentum);
    } else if (l.layer == "relu") {
        layer = std::make_unique<ReLU>();
    } else if (l.layer == "leaky_relu") {
        layer = std::make_unique<LeakyReLU>((float)o.real("negative_slope", 0.01, -1e3, 1e3, false));
    } else if (l.layer == "maxpool2d") {
        int k = o.integer("kernel", 0, true, 1, kMaxKernel);
        layer = std::make_unique<MaxPool2d>(k, o.integer("stride", k, false, 1, kMaxKernel));
    } else if (l.layer == "avgpool2d") {
        int k = o.integer("kernel", 0, true, 1, kMaxKernel);  // stride=0 is an error, not "the kernel size"
        layer = std::make_unique<AvgPool2d>(k, o.integer("stride", k, false, 1, kMaxKernel));
    } else if (l.layer == "globalavgpool2d") {
        layer = std::make_unique<GlobalAvgPool2d>();
    } else if (l.layer == "flatten") {
        layer = std::make_unique<Flatten>();
    } else if (l.layer == "to_sequence") {
        need_4d("to_sequence");
        layer = std::make_unique<ToSequence>();
    } else if (l.layer == "gru") {
        if (shape.size() != 3)
            throw std::invalid_argument(where + ": gru needs a sequence input (T, features) (add 'to_sequence' after the "
                                        "convolutions), the input here is " +
                                        shape_str(Shape(shape.begin() + 1, shape.end())));
        int hidden = o.integer("hidden", 0, true, 1, kMaxChannels);
        check_elements((uint64_t)3 * hidden * ((uint64_t)shape[2] + hidden), "the gru weights", where);
        auto out = o.word("output", "last", {"last", "sequence"}) == "last" ? GRU::Output::Last : GRU::Output::Sequence;
        auto gru = std::make_unique<GRU>(shape[2], hidden, out);
        gru->reset_parameters(rng);
        layer = std::move(gru);
    } else if (l.layer == "dropout") {
        layer = std::make_unique<Dropout>((float)o.real("p", 0.5, 0.0, 1.0, false));
    } else if (l.layer == "linear") {
        if (shape.size() != 2)
            throw std::invalid_argument(where + ": linear needs a flat input (add 'flatten' before it), the input here is " +
                                        shape_str(Shape(shape.begin() + 1, shape.end())));
        const int out = o.integer("out", 0, true, 1, kMaxFeatures);
        check_elements((uint64_t)out * shape[1], "the linear weight", where);
        auto lin = std::make_unique<Linear>(shape[1], out, o.integer("bias", 1, false, 0, 1) != 0);
        lin->reset_parameters(rng);
        layer = std::move(lin);
    } else {
        throw std::invalid_argument(where + ": unknown layer '" + l.layer +
                                    "' (known: conv2d batchnorm2d relu leaky_relu maxpool2d avgpool2d globalavgpool2d flatten "
                                    "dropout linear to_sequence gru)");
    }
    return layer;
}

}  // namespace

BuiltModel build_model(const std::string& text, const std::string& source, uint64_t seed, int classes) {
    BuiltModel built;
    built.model = std::make_unique<Sequential>();
    Rng rng(seed);
    Shape shape;  // (1, C, H, W) or (1, F) as it flows through the layers
    std::istringstream in(text);
    std::string raw;
    int line_no = 0;
    while (std::getline(in, raw)) {
        line_no++;
        std::string where = source + ":" + std::to_string(line_no);
        auto hash = raw.find('#');
        if (hash != std::string::npos) raw = raw.substr(0, hash);
        std::istringstream words(raw);
        Line l;
        if (!(words >> l.layer)) continue;  // blank line
        std::string w;
        while (words >> w) {
            auto eq = w.find('=');
            if (eq == std::string::npos) l.words.push_back(w);
            else l.options[w.substr(0, eq)] = w.substr(eq + 1);
        }
        if (l.layer == "input") {
            if (!shape.empty()) throw std::invalid_argument(where + ": a second 'input' line");
            if (l.words.empty() || !l.options.empty())
                throw std::invalid_argument(where + ": 'input' takes the example's shape, e.g. input 1 128 128");
            shape.push_back(1);
            uint64_t elements = 1;
            for (auto& d : l.words) {
                char* end = nullptr;
                errno = 0;
                const long v = std::strtol(d.c_str(), &end, 10);
                if (*end || end == d.c_str() || errno == ERANGE || v <= 0 || v > kMaxInputDim)
                    throw std::invalid_argument(where + ": input dimension '" + d + "' is not an integer in 1.." +
                                                std::to_string(kMaxInputDim));
                shape.push_back((int)v);
                elements *= (uint64_t)v;
            }
            check_elements(elements, "the input", where);
            built.input_shape = Shape(shape.begin() + 1, shape.end());
            continue;
        }
        if (shape.empty()) throw std::invalid_argument(where + ": the first line must be 'input C H W'");
        if (!l.words.empty()) throw std::invalid_argument(where + ": '" + l.words[0] + "' is not key=value");
        auto out = l.options.find("out");
        if (l.layer == "linear" && out != l.options.end() && out->second == "classes") {
            if (classes < 1) throw std::invalid_argument(where + ": out=classes, but the number of classes is not known here");
            out->second = std::to_string(classes);  // the dataset's class count (checked like any out=)
        }
        Options o(l, where);
        std::unique_ptr<Module> layer;
        try {
            layer = make_layer(l, o, shape, rng, where);
        } catch (const std::invalid_argument& e) {  // a layer's own check (Conv2d, ...) gets file:line too
            const std::string what = e.what();
            throw std::invalid_argument(what.rfind(where + ":", 0) == 0 ? what : where + ": " + what);
        }
        o.finish();
        try {
            shape = layer->output_shape(shape);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(where + ": " + e.what());
        }
        uint64_t elements = 1;
        for (int d : shape) elements *= (uint64_t)std::max(d, 0);
        check_elements(elements, "the output of " + l.layer, where);
        built.model->add(std::move(layer));
    }
    if (shape.empty()) throw std::invalid_argument(source + ": no 'input' line: not a model description");
    if (built.model->size() == 0) throw std::invalid_argument(source + ": the model has no layers");
    built.output_shape = Shape(shape.begin() + 1, shape.end());
    return built;
}

std::string resolve_model_text(const std::string& name_or_path) {
    if (const char* text = builtin_model_text(name_or_path)) return text;
    std::string names;
    for (auto& n : builtin_model_names()) names += " " + n;
    try {
        return read_regular_file(name_or_path, kMaxModelTextBytes);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("model '" + name_or_path + "' is neither a builtin model (" + names.substr(1) +
                                 ") nor a readable model file (" + e.what() + ")");
    }
}

}  // namespace melgrad
