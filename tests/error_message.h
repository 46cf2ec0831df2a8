// The message of the exception a piece of code throws ("" when it throws none), for tests that check what
// an error says: that it names the file, the flag or the field.
#pragma once
#include <exception>
#include <string>

namespace melgrad::testing {

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace melgrad::testing
