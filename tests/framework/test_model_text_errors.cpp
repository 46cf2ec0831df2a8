// The model text parser: bad input gets an error that names the source, the line and the problem.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "framework/model_text.h"

using namespace melgrad;

namespace {
// The message build_model throws for `text`, or "" when it does not throw.
std::string error_of(const std::string& text) {
    try {
        build_model(text, "my.model");
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("model text: the builtin models build with the documented parameter counts") {
    BuiltModel paper = build_model(resolve_model_text("paper-cnn"), "paper-cnn");
    CHECK(paper.model->parameter_count() == 1147626);
    CHECK(paper.input_shape == Shape({1, 128, 128}));
    CHECK(paper.output_shape == Shape({10}));
    BuiltModel tiny = build_model(resolve_model_text("tiny-cnn"), "tiny-cnn");
    CHECK(tiny.output_shape == Shape({10}));
    CHECK_THROWS_WITH_AS(resolve_model_text("no-such-model"), doctest::Contains("no-such-model"), std::runtime_error);
}

TEST_CASE("model text: an unknown layer names source:line and the layer") {
    std::string e = error_of("input 1 8 8\nconv2d out=4 kernel=3\nconvolution out=4\n");
    CHECK(contains(e, "my.model:3"));
    CHECK(contains(e, "unknown layer 'convolution'"));
}

TEST_CASE("model text: an unknown option names source:line and the option") {
    std::string e = error_of("# comment\ninput 1 8 8\nconv2d out=4 kernel=3 dilation=2\n");
    CHECK(contains(e, "my.model:3"));
    CHECK(contains(e, "dilation"));
    e = error_of("input 1 8 8\nconv2d kernel=3\n");  // a missing required option
    CHECK(contains(e, "my.model:2"));
    CHECK(contains(e, "out="));
    e = error_of("input 1 8 8\nconv2d out=four kernel=3\n");
    CHECK(contains(e, "my.model:2"));
    CHECK(contains(e, "not a number"));
}

TEST_CASE("model text: shapes that do not fit name source:line") {
    std::string e = error_of("input 1 8 8\nconv2d out=4 kernel=3\nlinear out=10\n");  // no flatten
    CHECK(contains(e, "my.model:3"));
    CHECK(contains(e, "flatten"));
    e = error_of("input 1 4 4\nmaxpool2d kernel=2\nmaxpool2d kernel=2\nmaxpool2d kernel=2\n");  // 4 -> 2 -> 1 -> ?
    CHECK(contains(e, "my.model:4"));
    CHECK(contains(e, "smaller than the window"));
    e = error_of("input 1 5 5\nconv2d out=2 kernel=7\n");
    CHECK(contains(e, "my.model:2"));
    CHECK(contains(e, "smaller than the kernel"));
    e = error_of("input 1 8 8\nflatten\nbatchnorm2d\n");
    CHECK(contains(e, "my.model:3"));
}

TEST_CASE("model text: a missing or misplaced input line, an empty model") {
    std::string e = error_of("conv2d out=4 kernel=3\n");
    CHECK(contains(e, "my.model:1"));
    CHECK(contains(e, "input"));
    e = error_of("# only comments\n\n");
    CHECK(contains(e, "my.model"));
    CHECK(contains(e, "no 'input' line"));
    e = error_of("input 1 8 8\n");
    CHECK(contains(e, "no layers"));
    e = error_of("input 1 8 8\nrelu\ninput 1 8 8\n");
    CHECK(contains(e, "my.model:3"));
    e = error_of("input 1 -8 8\nrelu\n");
    CHECK(contains(e, "my.model:1"));
    CHECK(contains(e, "-8"));
}
