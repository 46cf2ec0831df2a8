// Ctrl-C during training. While a CtrlC object lives, the first Ctrl-C (SIGINT) only raises a flag: the
// training loop sees it between two batches, saves last.ckpt and returns. A second Ctrl-C ends the program
// at once (the default action is put back by the first).
// Under mpirun a Ctrl-C kills the ranks (mpirun does not pass SIGINT on), but mpirun forwards SIGUSR1 to every
// rank: `kill -USR1 <mpirun's pid>` stops a data-parallel run the same way, after the same batch on every rank.
#pragma once
#include <csignal>

namespace melgrad::gtzan {

class CtrlC {
public:
    CtrlC();   // clears the flag and installs the handler
    ~CtrlC();  // puts back the handler that was there before
    CtrlC(const CtrlC&) = delete;
    CtrlC& operator=(const CtrlC&) = delete;

    bool pressed() const;

private:
    void (*previous_)(int);
    void (*previous_usr1_)(int);
};

}  // namespace melgrad::gtzan
