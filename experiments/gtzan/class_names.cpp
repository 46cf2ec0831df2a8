#include "experiments/gtzan/class_names.h"

#include <set>
#include <stdexcept>

namespace melgrad::gtzan {

namespace {
const char* escape_of(char c) {
    switch (c) {
        case ',': return "%2C";
        case '%': return "%25";
        case '\n': return "%0A";
        case '\r': return "%0D";
        default: return nullptr;
    }
}
}  // namespace

std::string join_class_names(const std::vector<std::string>& names) {
    std::string line;
    for (size_t i = 0; i < names.size(); i++) {
        if (i) line += ',';
        for (char c : names[i]) {
            const char* e = escape_of(c);
            if (e) line += e;
            else line += c;
        }
    }
    return line;
}

std::vector<std::string> split_class_names(const std::string& line, const std::string& where) {
    std::vector<std::string> names;
    if (line.empty()) return names;
    std::string name;
    for (size_t i = 0; i < line.size(); i++) {
        if (line[i] == ',') {
            names.push_back(name);
            name.clear();
        } else if (line[i] == '%') {
            const std::string code = line.substr(i + 1, 2);
            char c = code == "2C" ? ',' : code == "25" ? '%' : code == "0A" ? '\n' : code == "0D" ? '\r' : 0;
            if (!c) throw std::runtime_error(where + ": bad escape '%" + code + "' in the class names");
            name += c;
            i += 2;
        } else {
            name += line[i];
        }
    }
    names.push_back(name);
    return names;
}

std::vector<std::string> checkpoint_class_names(const Checkpoint& ck) {
    return split_class_names(ck.meta("genres"), ck.path);
}

std::vector<std::string> parse_class_list(const std::string& text) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (name.empty()) throw std::invalid_argument("--classes '" + text + "': an empty class name");
        if (!seen.insert(name).second) throw std::invalid_argument("--classes '" + text + "': '" + name + "' twice");
        names.push_back(name);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return names;
}

}  // namespace melgrad::gtzan
