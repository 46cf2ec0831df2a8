#include "experiments/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace melgrad {

Json Json::of(double v) {
    Json j;
    j.type = std::isfinite(v) ? Type::number : Type::null;
    j.number = v;
    return j;
}

Json Json::of(const std::string& s) {
    Json j;
    j.type = Type::string;
    j.string = s;
    return j;
}

Json Json::of(bool b) {
    Json j;
    j.type = Type::boolean;
    j.boolean = b;
    return j;
}

Json& Json::add(const std::string& key, Json value) {
    object.emplace_back(key, std::move(value));
    return *this;
}

const Json* Json::find(const std::string& key) const {
    for (const auto& [k, v] : object)
        if (k == key) return &v;
    return nullptr;
}

namespace {

// Recursive descent over the text; `at` is the next character to read.
class Parser {
public:
    Parser(const std::string& text, const std::string& source) : text_(text), source_(source) {}

    Json document() {
        Json v = value(0);
        skip_space();
        if (at_ < text_.size()) fail("unexpected text after the value");
        return v;
    }

private:
    const std::string& text_;
    const std::string& source_;
    size_t at_ = 0;

    [[noreturn]] void fail(const std::string& what) const {
        int line = 1, column = 1;
        for (size_t i = 0; i < at_ && i < text_.size(); ++i) text_[i] == '\n' ? (++line, column = 1) : ++column;
        const std::string where = at_ >= text_.size() ? "the file ends early (line " + std::to_string(line) + ")"
                                                      : "line " + std::to_string(line) + ", column " +
                                                            std::to_string(column);
        throw std::runtime_error(source_ + ": " + where + ": " + what);
    }

    void skip_space() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' ||
                                      text_[at_] == '\r'))
            ++at_;
    }

    char peek() {
        skip_space();
        if (at_ >= text_.size()) fail("expected a value, ',' or a closing bracket");
        return text_[at_];
    }

    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++at_;
    }

    bool word(const char* w) {
        const std::string s(w);
        if (text_.compare(at_, s.size(), s) != 0) return false;
        at_ += s.size();
        return true;
    }

    Json value(int depth) {
        if (depth > 64) fail("nested too deeply");
        const char c = peek();
        if (c == '{') return object(depth);
        if (c == '[') return array(depth);
        if (c == '"') return Json::of(string());
        if (word("true")) return Json::of(true);
        if (word("false")) return Json::of(false);
        if (word("null")) return Json();
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        fail(std::string("expected a value, found '") + c + "'");
    }

    Json object(int depth) {
        Json j = Json::new_object();
        expect('{');
        if (peek() == '}') return ++at_, j;
        for (;;) {
            if (peek() != '"') fail("expected a member name in double quotes");
            std::string key = string();
            expect(':');
            j.add(key, value(depth + 1));
            if (peek() == '}') return ++at_, j;
            expect(',');
        }
    }

    Json array(int depth) {
        Json j = Json::new_array();
        expect('[');
        if (peek() == ']') return ++at_, j;
        for (;;) {
            j.array.push_back(value(depth + 1));
            if (peek() == ']') return ++at_, j;
            expect(',');
        }
    }

    Json number() {
        const size_t start = at_;
        if (text_[at_] == '-') ++at_;
        auto digits = [&] {
            const size_t from = at_;
            while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
            if (at_ == from) fail("expected a digit");
        };
        digits();
        if (at_ < text_.size() && text_[at_] == '.') ++at_, digits();
        if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
            ++at_;
            if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
            digits();
        }
        return Json::of(std::strtod(text_.substr(start, at_ - start).c_str(), nullptr));
    }

    unsigned hex4() {
        if (at_ + 4 > text_.size()) fail("expected four hex digits after \\u");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = text_[at_++];
            const int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                                       : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (d < 0) fail("expected four hex digits after \\u");
            v = v * 16 + d;
        }
        return v;
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 63));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 63));
            out += static_cast<char>(0x80 | (cp & 63));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18)), out += static_cast<char>(0x80 | ((cp >> 12) & 63));
            out += static_cast<char>(0x80 | ((cp >> 6) & 63)), out += static_cast<char>(0x80 | (cp & 63));
        }
    }

    unsigned escape() {  // after the backslash; returns a code point
        if (at_ >= text_.size()) fail("unfinished escape");
        switch (const char e = text_[at_++]) {
            case '"': case '\\': case '/': return static_cast<unsigned>(e);
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xD800 && cp < 0xDC00) {  // a UTF-16 surrogate pair
                    if (!word("\\u")) fail("expected the second half of a surrogate pair");
                    const unsigned low = hex4();
                    if (low < 0xDC00 || low > 0xDFFF) fail("bad second half of a surrogate pair");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                return cp;
            }
            default: --at_; fail(std::string("unknown escape '\\") + e + "'");
        }
    }

    std::string string() {
        expect('"');
        std::string out;
        for (;;) {
            if (at_ >= text_.size()) fail("unfinished string (no closing '\"')");
            const char c = text_[at_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) --at_, fail("a control character inside a string");
            if (c == '\\') append_utf8(out, escape());
            else out += c;
        }
    }
};

bool is_plain(const Json& v) { return v.type != Json::Type::array && v.type != Json::Type::object; }

void write(std::string& out, const Json& v, int indent) {
    switch (v.type) {
        case Json::Type::null: out += "null"; return;
        case Json::Type::boolean: out += v.boolean ? "true" : "false"; return;
        case Json::Type::number: out += json_number(v.number); return;
        case Json::Type::string: out += json_quoted(v.string); return;
        default: break;
    }
    const bool is_object = v.type == Json::Type::object;
    const size_t n = is_object ? v.object.size() : v.array.size();
    bool one_line = true;  // a container of plain values goes on one line
    for (size_t i = 0; i < n; ++i) one_line &= is_plain(is_object ? v.object[i].second : v.array[i]);
    const std::string pad(indent + 2, ' ');
    out += is_object ? '{' : '[';
    for (size_t i = 0; i < n; ++i) {
        out += i ? (one_line ? ", " : ",\n" + pad) : (one_line ? "" : "\n" + pad);
        if (is_object) out += json_quoted(v.object[i].first) + ": ";
        write(out, is_object ? v.object[i].second : v.array[i], indent + 2);
    }
    if (!one_line && n) out += "\n" + std::string(indent, ' ');
    out += is_object ? '}' : ']';
}

}  // namespace

Json parse_json(const std::string& text, const std::string& source) { return Parser(text, source).document(); }

std::string json_text(const Json& value) {
    std::string out;
    write(out, value, 0);
    return out + "\n";
}

std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    char text[40];
    if (v == std::floor(v) && std::fabs(v) < 1e15) {  // a count: 1400, not 1.4e+03
        std::snprintf(text, sizeof text, "%.0f", v);
        return text;
    }
    for (int digits = 1; digits <= 17; ++digits) {  // the shortest that reads back exactly
        std::snprintf(text, sizeof text, "%.*g", digits, v);
        if (std::strtod(text, nullptr) == v) break;
    }
    return text;
}

std::string json_quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char u[8];
                    std::snprintf(u, sizeof u, "\\u%04x", c);
                    out += u;
                } else {
                    out += c;  // UTF-8 bytes go through as they are
                }
        }
    }
    return out + "\"";
}

}  // namespace melgrad
