// A small command-line parser with clear errors:
//   Args a(args, "melgrad mel");
//   std::string out = a.option("-o", "--output", "");   // value options (short and/or long name)
//   int threads = a.int_option("--threads", 0);
//   bool db = a.flag("--db");
//   a.finish();                                           // errors on anything unknown
//   const auto& files = a.positional();
#pragma once
#include <climits>
#include <stdexcept>
#include <string>
#include <vector>

namespace melgrad::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Args {
public:
    Args(const std::vector<std::string>& args, std::string command);
    bool flag(const std::string& name);
    std::string option(const std::string& short_name, const std::string& long_name, const std::string& fallback);
    std::string option(const std::string& long_name, const std::string& fallback) { return option("", long_name, fallback); }
    // Numbers are range-checked, never wrapped: "--epochs 4294967297" is an error, not 1 epoch.
    int int_option(const std::string& long_name, int fallback, int lo = INT_MIN, int hi = INT_MAX);
    long long long_option(const std::string& long_name, long long fallback, long long lo = LLONG_MIN,
                          long long hi = LLONG_MAX);
    double double_option(const std::string& long_name, double fallback);  // finite numbers only
    bool has(const std::string& long_name) const;
    // Everything not consumed by flag()/option(); call after reading all options. Errors on unknown
    // options (anything left that starts with '-').
    const std::vector<std::string>& finish();
    const std::vector<std::string>& positional() const { return rest_; }
    // finish() for commands that take no positional arguments: a stray word is an error, not ignored.
    void finish_no_positional();

private:
    std::vector<std::string> rest_;
    std::vector<bool> used_;
    std::vector<std::string> args_;
    std::string command_;
    bool finished_ = false;
};

// The parsing behind the options, for tests and the fuzz target. Throw UsageError naming `flag`.
long long parse_integer(const std::string& flag, const std::string& text, long long lo = LLONG_MIN,
                        long long hi = LLONG_MAX);
double parse_number(const std::string& flag, const std::string& text);  // finite only

}  // namespace melgrad::cli
