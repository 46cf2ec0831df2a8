// A small JSON reader and writer (RFC 8259), enough for the results melgrad writes as data
// (runs/NAME/eval.json, experiments/gtzan/eval_file.h). No dependencies.
//   reading: parse_json(text, "runs/x/eval.json") -> a Json tree; errors name the source, line and column
//   writing: json_text(tree) -> indented text; an object or array of plain values stays on one line
// Numbers are doubles; json_number() writes the shortest text that reads back as the same double, so a
// file round-trips exactly. JSON has no NaN or infinity: they are written as null.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace melgrad {

struct Json {
    enum class Type { null, boolean, number, string, array, object };
    Type type = Type::null;
    bool boolean = false;
    double number = 0;
    std::string string;
    std::vector<Json> array;
    std::vector<std::pair<std::string, Json>> object;  // members in file order

    static Json of(double v);
    static Json of(const std::string& s);
    static Json of(const char* s) { return of(std::string(s)); }
    static Json of(bool b);
    static Json new_array() { Json j; j.type = Type::array; return j; }
    static Json new_object() { Json j; j.type = Type::object; return j; }
    Json& add(const std::string& key, Json value);  // object member, in order
    const Json* find(const std::string& key) const;  // nullptr when the object has no such member
};

// Throws std::runtime_error "SOURCE: line L, column C: what was expected" on malformed or truncated text.
Json parse_json(const std::string& text, const std::string& source);
std::string json_text(const Json& value);  // ends with a newline
std::string json_number(double v);         // "0.652", "1400", "null" for NaN / infinity
std::string json_quoted(const std::string& s);

}  // namespace melgrad
