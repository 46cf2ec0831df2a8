#include "framework/distributed/communicator.h"

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "framework/distributed/mpi_communicator.h"

namespace melgrad::distributed {

void Communicator::abort(int code) {
    abort_other_ranks(code);
    std::exit(code);
}

namespace {
int env_int(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return 0;
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    return (*end == '\0' && n > 0 && n < (1 << 24)) ? (int)n : 0;
}
}  // namespace

int launcher_world_size() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
        if (int n = env_int(name)) return n;
    return 1;
}

bool built_with_mpi() { return mpi_available(); }

Communicator& world() {
    static std::unique_ptr<Communicator> comm = [] () -> std::unique_ptr<Communicator> {
        const int launched = launcher_world_size();
        if (launched > 1 && !mpi_available())
            throw std::runtime_error("started by mpirun with " + std::to_string(launched) +
                                     " ranks, but this melgrad was built without MPI (install libopenmpi-dev, "
                                     "see tools/setup.sh, and rebuild)");
        if (launched > 1) return make_mpi_communicator();
        return std::make_unique<SingleProcess>();
    }();
    return *comm;
}

}  // namespace melgrad::distributed
