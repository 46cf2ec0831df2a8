#include "experiments/cli/args.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace melgrad::cli {

Args::Args(const std::vector<std::string>& args, std::string command)
    : used_(args.size(), false), args_(args), command_(std::move(command)) {}

bool Args::has(const std::string& long_name) const {
    for (const auto& a : args_)
        if (a == long_name || a.rfind(long_name + "=", 0) == 0) return true;
    return false;
}

bool Args::flag(const std::string& name) {
    bool found = false;
    for (size_t i = 0; i < args_.size(); i++)
        if (!used_[i] && args_[i] == name) { used_[i] = true; found = true; }
    return found;
}

std::string Args::option(const std::string& short_name, const std::string& long_name, const std::string& fallback) {
    std::string value = fallback;
    for (size_t i = 0; i < args_.size(); i++) {
        if (used_[i]) continue;
        const std::string& a = args_[i];
        if ((!short_name.empty() && a == short_name) || (!long_name.empty() && a == long_name)) {
            if (i + 1 >= args_.size()) throw UsageError("option " + a + " needs a value");
            used_[i] = used_[i + 1] = true;
            value = args_[++i];
        } else if (!long_name.empty() && a.rfind(long_name + "=", 0) == 0) {
            used_[i] = true;
            value = a.substr(long_name.size() + 1);
        }
    }
    return value;
}

long long parse_integer(const std::string& flag, const std::string& s, long long lo, long long hi) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || end == s.c_str() || *end || std::isspace((unsigned char)s[0]))
        throw UsageError(flag + " expects an integer, got '" + s + "'");
    if (errno == ERANGE || v < lo || v > hi)
        throw UsageError(flag + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + s);
    return v;
}

double parse_number(const std::string& flag, const std::string& s) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end == s.c_str() || *end || std::isspace((unsigned char)s[0]))
        throw UsageError(flag + " expects a number, got '" + s + "'");
    if (!std::isfinite(v)) throw UsageError(flag + " must be a finite number, got '" + s + "'");
    return v;
}

long long Args::long_option(const std::string& long_name, long long fallback, long long lo, long long hi) {
    std::string s = option(long_name, "");
    if (s.empty()) return fallback;
    return parse_integer(long_name, s, lo, hi);
}

int Args::int_option(const std::string& long_name, int fallback, int lo, int hi) {
    return (int)long_option(long_name, fallback, lo, hi);
}

double Args::double_option(const std::string& long_name, double fallback) {
    std::string s = option(long_name, "");
    if (s.empty()) return fallback;
    return parse_number(long_name, s);
}

void Args::finish_no_positional() {
    const auto& rest = finish();
    if (!rest.empty())
        throw UsageError("unexpected argument '" + rest[0] + "' (see: melgrad help " +
                         command_.substr(command_.find(' ') + 1) + ")");
}

const std::vector<std::string>& Args::finish() {
    if (finished_) return rest_;
    finished_ = true;
    bool only_positional = false;
    for (size_t i = 0; i < args_.size(); i++) {
        if (used_[i]) continue;
        const std::string& a = args_[i];
        if (a == "--" && !only_positional) { only_positional = true; continue; }
        if (!only_positional && a.size() > 1 && a[0] == '-' && !(a[1] >= '0' && a[1] <= '9'))
            throw UsageError("unknown option " + a + " (see: melgrad help " +
                             command_.substr(command_.find(' ') + 1) + ")");
        rest_.push_back(a);
    }
    return rest_;
}

}  // namespace melgrad::cli
