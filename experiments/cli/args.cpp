#include "experiments/cli/args.h"

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

long long Args::long_option(const std::string& long_name, long long fallback) {
    std::string s = option(long_name, "");
    if (s.empty()) return fallback;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (end == s.c_str() || *end) throw UsageError(long_name + " expects an integer, got '" + s + "'");
    return v;
}

int Args::int_option(const std::string& long_name, int fallback) { return (int)long_option(long_name, fallback); }

double Args::double_option(const std::string& long_name, double fallback) {
    std::string s = option(long_name, "");
    if (s.empty()) return fallback;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end) throw UsageError(long_name + " expects a number, got '" + s + "'");
    return v;
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
