#include "experiments/gtzan/ctrl_c.h"

namespace melgrad::gtzan {

namespace {

volatile std::sig_atomic_t g_pressed = 0;

void on_sigint(int) {
    g_pressed = 1;
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program at once
}

}  // namespace

CtrlC::CtrlC() {
    g_pressed = 0;
    previous_ = std::signal(SIGINT, on_sigint);
}

CtrlC::~CtrlC() { std::signal(SIGINT, previous_); }

bool CtrlC::pressed() const { return g_pressed != 0; }

}  // namespace melgrad::gtzan
