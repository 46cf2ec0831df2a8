#include "experiments/gtzan/ctrl_c.h"

namespace melgrad::gtzan {

namespace {

volatile std::sig_atomic_t g_pressed = 0;

void on_sigint(int) {
    g_pressed = 1;
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program at once
}

void on_sigusr1(int) { g_pressed = 1; }

}  // namespace

CtrlC::CtrlC() {
    g_pressed = 0;
    previous_ = std::signal(SIGINT, on_sigint);
    previous_usr1_ = std::signal(SIGUSR1, on_sigusr1);
}

CtrlC::~CtrlC() {
    std::signal(SIGINT, previous_);
    std::signal(SIGUSR1, previous_usr1_);
}

bool CtrlC::pressed() const { return g_pressed != 0; }

}  // namespace melgrad::gtzan
