// The small JSON reader and writer (experiments/json.h): values and escapes read right, numbers round-trip
// exactly, and malformed or truncated text is refused with the source, line and column.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>

#include "experiments/json.h"

using melgrad::Json;
using melgrad::json_number;
using melgrad::json_quoted;
using melgrad::json_text;
using melgrad::parse_json;

namespace {

std::string error_of(const std::string& text) {
    try {
        parse_json(text, "x.json");
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("json: objects, arrays, strings, numbers, true / false / null are read") {
    const Json j = parse_json(R"( {"a": [1, -2.5, 3e2, 0.125E-1], "b": {"c": true, "d": false, "e": null},
                                  "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83c\udfb5", "empty": [], "o": {}} )",
                              "x.json");
    REQUIRE(j.type == Json::Type::object);
    REQUIRE(j.object.size() == 5);
    CHECK(j.object[0].first == "a");  // file order kept
    const Json& a = *j.find("a");
    REQUIRE(a.array.size() == 4);
    CHECK(a.array[0].number == 1);
    CHECK(a.array[1].number == -2.5);
    CHECK(a.array[2].number == 300);
    CHECK(a.array[3].number == 0.0125);
    CHECK(j.find("b")->find("c")->boolean);
    CHECK(j.find("b")->find("d")->type == Json::Type::boolean);
    CHECK(!j.find("b")->find("d")->boolean);
    CHECK(j.find("b")->find("e")->type == Json::Type::null);
    CHECK(j.find("s")->string == "q\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x8e\xb5");  // é and a surrogate pair, as UTF-8
    CHECK(j.find("empty")->array.empty());
    CHECK(j.find("o")->type == Json::Type::object);
    CHECK(j.find("nope") == nullptr);
}

TEST_CASE("json: numbers are written as the shortest text that reads back as the same double") {
    CHECK(json_number(1400) == "1400");
    CHECK(json_number(0.66) == "0.66");
    CHECK(json_number(-0.5) == "-0.5");
    CHECK(json_number(1e-7) == "1e-07");
    CHECK(json_number(NAN) == "null");
    CHECK(json_number(INFINITY) == "null");
    std::mt19937_64 rng(5);
    for (int i = 0; i < 2000; i++) {
        const uint64_t bits = rng();
        double v;
        std::memcpy(&v, &bits, sizeof v);
        if (!std::isfinite(v)) continue;
        const std::string text = json_number(v);
        CHECK_MESSAGE(parse_json(text, "n").number == v, text);
        CHECK(text.size() <= 24);
    }
    for (int i = 0; i < 1000; i++) {  // accuracies: a count over a total
        const double v = double(rng() % 10001) / double(1 + rng() % 10000);
        CHECK(parse_json(json_number(v), "n").number == v);
    }
}

TEST_CASE("json: written text reads back; plain containers on one line, nested ones indented") {
    Json j = Json::new_object();
    Json row = Json::new_object();
    row.add("name", Json::of("te\"st\n\x01")).add("n", Json::of(2.0)).add("ok", Json::of(true));
    Json list = Json::new_array();
    list.array.push_back(row);
    list.array.push_back(Json());
    j.add("rows", list).add("empty", Json::new_array());
    const std::string text = json_text(j);
    CHECK(text == "{\n  \"rows\": [\n    {\"name\": \"te\\\"st\\n\\u0001\", \"n\": 2, \"ok\": true},\n    null\n  ],\n"
                  "  \"empty\": []\n}\n");
    const Json back = parse_json(text, "x.json");
    CHECK(back.find("rows")->array[0].find("name")->string == "te\"st\n\x01");
    CHECK(json_text(back) == text);
    CHECK(json_quoted("a\\b") == "\"a\\\\b\"");
}

TEST_CASE("json: malformed and truncated text is refused, naming the source, the line and the column") {
    CHECK(error_of("{\"a\": 1,\n \"b\" 2}") == "x.json: line 2, column 6: expected ':'");
    CHECK(error_of("{\"a\": [1, 2") == "x.json: the file ends early (line 1): expected a value, ',' or a closing "
                                       "bracket");
    CHECK(error_of("{\"a\": \"abc").find("x.json: the file ends early") == 0);
    CHECK(error_of("").find("x.json: the file ends early") == 0);
    CHECK(error_of("{\"a\": tru}").find("expected a value, found 't'") != std::string::npos);
    CHECK(error_of("{\"a\": 1} x").find("unexpected text after the value") != std::string::npos);
    CHECK(error_of("{a: 1}").find("expected a member name") != std::string::npos);
    CHECK(error_of("[1.]").find("expected a digit") != std::string::npos);
    CHECK(error_of("[-]").find("expected a digit") != std::string::npos);
    CHECK(error_of("[\"\\x\"]").find("unknown escape") != std::string::npos);
    CHECK(error_of("[\"\\u12g4\"]").find("hex digits") != std::string::npos);
    CHECK(error_of("[\"a\nb\"]").find("control character") != std::string::npos);
    CHECK(error_of("[1 2]").find("expected ','") != std::string::npos);
    CHECK(error_of(std::string(100, '[') + std::string(100, ']')).find("nested too deeply") != std::string::npos);
}
