// The melgrad command line: every subcommand lives in its own file and registers itself here with
//   MELGRAD_COMMAND(name, one_line_summary, usage_text, function)
// so adding a command never touches main.cpp. `melgrad help` lists them all.
#pragma once
#include <string>
#include <vector>

namespace melgrad::cli {

using CommandFn = int (*)(const std::vector<std::string>& args);  // args exclude the command's name

struct Command {
    std::string name;
    std::string summary;  // one line for `melgrad help`
    std::string usage;    // the full help for `melgrad help NAME` / `melgrad NAME --help`
    CommandFn run;
};

std::vector<Command>& registry();
const Command* find_command(const std::string& name);
// Runs `melgrad ARGS...` in-process (used by main and by tests). Errors are printed as
// "melgrad NAME: error: ..." and give exit status 1; usage errors give 2.
int run_command(const std::vector<std::string>& argv);

struct Registrar {
    Registrar(const char* name, const char* summary, const char* usage, CommandFn fn);
};

}  // namespace melgrad::cli

#define MELGRAD_CAT_(a, b) a##b
#define MELGRAD_CAT(a, b) MELGRAD_CAT_(a, b)
#define MELGRAD_COMMAND(name, summary, usage, fn) \
    static ::melgrad::cli::Registrar MELGRAD_CAT(melgrad_command_, __LINE__)(name, summary, usage, fn)
