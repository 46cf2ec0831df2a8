// Fuzz target: the CLI's number parsing (experiments/cli/args.h). The first 2 bytes pick the range, the rest
// is the text; an accepted number must lie in the range (never a wrapped value).
#include <cmath>
#include <stdexcept>
#include <string>

#include "experiments/cli/args.h"
#include "tests/fuzz/fuzz_targets.h"

namespace melgrad::fuzz {

int cli_numbers(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    static const long long bounds[] = {LLONG_MIN, -5, 0, 1, 1 << 16, INT_MAX, LLONG_MAX};
    const long long lo = bounds[data[0] % 7], hi = bounds[data[1] % 7];
    const std::string text(reinterpret_cast<const char*>(data + 2), size - 2);
    try {
        const long long v = cli::parse_integer("--n", text, lo, hi);
        if (v < lo || v > hi) throw std::logic_error("parse_integer: out of its range");
    } catch (const cli::UsageError&) {
    }
    try {
        if (!std::isfinite(cli::parse_number("--x", text))) throw std::logic_error("parse_number: not finite");
    } catch (const cli::UsageError&) {
    }
    return 0;
}

}  // namespace melgrad::fuzz

MELGRAD_FUZZ_ENTRY(cli_numbers)
