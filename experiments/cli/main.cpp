// build/melgrad: the command-line entry point. Every command registers itself (see command.h).
#include <string>
#include <vector>

#include "experiments/cli/command.h"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return melgrad::cli::run_command(args);
}
