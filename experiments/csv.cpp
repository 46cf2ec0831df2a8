#include "experiments/csv.h"

#include <stdexcept>

namespace melgrad {

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

namespace {

// Reads one field starting at text[i]; leaves i on the comma or line break after it (or at the end).
std::string read_field(const std::string& text, size_t& i, int& line, const std::string& where) {
    std::string field;
    if (i >= text.size() || text[i] != '"') {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
        return field;
    }
    const int start_line = line;
    for (i++;; i++) {
        if (i >= text.size())
            throw std::runtime_error(where + ":" + std::to_string(start_line) + ": a quoted field is never closed");
        if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') { field += '"'; i++; continue; }
            i++;
            break;
        }
        if (text[i] == '\n') line++;
        field += text[i];
    }
    if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
        throw std::runtime_error(where + ":" + std::to_string(line) + ": '" + std::string(1, text[i]) +
                                 "' after a closing quote (a quote inside a field is written \"\")");
    return field;
}

}  // namespace

std::vector<CsvRecord> parse_csv(const std::string& text, const std::string& where) {
    std::vector<CsvRecord> records;
    for_each_csv_record(text, where, [&](const CsvRecord& r) {
        records.push_back(r);
        return true;
    });
    return records;
}

void for_each_csv_record(const std::string& text, const std::string& where,
                         const std::function<bool(const CsvRecord&)>& use) {
    size_t i = 0;
    int line = 1;
    while (i < text.size()) {
        if (text[i] == '\n' || text[i] == '\r') {  // an empty line, or the "\n" of "\r\n"
            if (text[i] == '\n') line++;
            i++;
            continue;
        }
        CsvRecord r;
        r.line = line;
        while (true) {
            r.fields.push_back(read_field(text, i, line, where));
            if (i < text.size() && text[i] == ',') { i++; continue; }
            break;  // end of the line or of the text
        }
        if (!use(r)) return;
    }
}

}  // namespace melgrad
