#include "experiments/cli/command.h"

#include <algorithm>
#include <cstdio>
#include <exception>

#include "experiments/cli/args.h"

namespace melgrad::cli {

std::vector<Command>& registry() {
    static std::vector<Command> commands;  // a function-local static: safe from static-init order
    return commands;
}

Registrar::Registrar(const char* name, const char* summary, const char* usage, CommandFn fn) {
    registry().push_back(Command{name, summary, usage, fn});
}

const Command* find_command(const std::string& name) {
    for (const auto& c : registry())
        if (c.name == name) return &c;
    return nullptr;
}

static void print_help() {
    std::printf("melgrad — music genre classification from mel spectrograms, a from-scratch deep-learning framework\n\n"
                "usage: melgrad COMMAND [options]     (melgrad help COMMAND for details)\n\ncommands:\n");
    std::vector<Command> sorted = registry();
    std::sort(sorted.begin(), sorted.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
    for (const auto& c : sorted) std::printf("  %-16s %s\n", c.name.c_str(), c.summary.c_str());
}

int run_command(const std::vector<std::string>& argv) {
    if (argv.empty() || argv[0] == "help" || argv[0] == "--help" || argv[0] == "-h") {
        if (argv.size() >= 2) {
            const Command* c = find_command(argv[1]);
            if (!c) { std::fprintf(stderr, "melgrad: no command '%s' (see: melgrad help)\n", argv[1].c_str()); return 2; }
            std::printf("%s\n", c->usage.c_str());
            return 0;
        }
        print_help();
        return argv.empty() ? 2 : 0;
    }
    const Command* c = find_command(argv[0]);
    if (!c) {
        std::fprintf(stderr, "melgrad: no command '%s' (see: melgrad help)\n", argv[0].c_str());
        return 2;
    }
    std::vector<std::string> args(argv.begin() + 1, argv.end());
    if (std::find(args.begin(), args.end(), "--help") != args.end()) {
        std::printf("%s\n", c->usage.c_str());
        return 0;
    }
    try {
        return c->run(args);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "melgrad %s: usage error: %s\n", c->name.c_str(), e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "melgrad %s: error: %s\n", c->name.c_str(), e.what());
        return 1;
    }
}

}  // namespace melgrad::cli
