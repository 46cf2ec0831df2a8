// CSV as RFC 4180 writes it, small enough to read in one sitting: fields separated by commas, a field in
// double quotes may hold commas, line breaks and doubled quotes ("say ""hi"""). melgrad writes class names
// with it (a folder may be called "Rock, Pop") and reads FMA's tracks.csv, whose titles hold all three.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace melgrad {

// `text` as one CSV field: unchanged, or quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

struct CsvRecord {
    int line = 0;                     // 1-based line where the record starts (a quoted field may span lines)
    std::vector<std::string> fields;
};

// Every record of `text`; empty lines are skipped, a final line break is optional, "\r\n" ends a line too.
// A quote left open at the end, or a character after a closing quote, is std::runtime_error
// "WHERE:LINE: ...".
std::vector<CsvRecord> parse_csv(const std::string& text, const std::string& where);
// The same, one record at a time (FMA's tracks.csv is 250 MB: its 100,000 records are not kept); `use` returns
// false to stop early.
void for_each_csv_record(const std::string& text, const std::string& where,
                         const std::function<bool(const CsvRecord&)>& use);

}  // namespace melgrad
