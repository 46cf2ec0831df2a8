// melgrad bench-allreduce: the gradient all-reduce of data-parallel training alone. `melgrad train`'s
// "gradient all-reduce ... ms per step" includes the time a rank waits inside the all-reduce for a slower
// one; here every repeat starts after a barrier, so the figure is the transfer and the sums alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "experiments/cli/args.h"
#include "experiments/cli/command.h"
#include "framework/distributed/communicator.h"

namespace melgrad::cli {
namespace {

// Every rank reaches this line before any leaves it.
void barrier(distributed::Communicator& comm) {
    double x = 0;
    comm.all_reduce_sum(&x, 1);
}

int cmd_bench_allreduce(const std::vector<std::string>& args) {
    Args a(args, "melgrad bench-allreduce");
    const long long floats = a.long_option("--floats", 1147626, 1, 1LL << 31);  // the paper CNN's parameters
    const int repeats = a.int_option("--repeats", 20, 1, 100000);
    const double bucket_mb = a.double_option("--bucket-mb", 25);
    a.finish_no_positional();
    if (!(bucket_mb > 0)) throw UsageError("--bucket-mb must be positive");
    distributed::Communicator& comm = distributed::world();
    const int n = comm.size();
    if (n == 1) {
        std::printf("one process: nothing to all-reduce (run it under mpirun -np 2 or more)\n");
        return 0;
    }
    std::vector<float> data((size_t)floats, 1.0f);
    const size_t bucket = std::max<size_t>(1, (size_t)(bucket_mb * 1024 * 1024 / sizeof(float)));
    std::vector<double> ms;
    for (int r = 0; r < repeats; r++) {
        barrier(comm);
        auto t0 = std::chrono::steady_clock::now();
        for (size_t at = 0; at < data.size(); at += bucket)
            comm.all_reduce_sum(data.data() + at, std::min(bucket, data.size() - at));
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        std::fill(data.begin(), data.end(), 1.0f);  // keep the values small
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2], bytes = 4.0 * (double)floats;
    if (comm.is_root())
        std::printf("all-reduce of %lld floats (%.2f MB) over %d ranks: median %.3f ms of %d (min %.3f); "
                    "bus bandwidth 2(N-1)/N x bytes / time = %.2f GB/s\n",
                    floats, bytes / 1e6, n, median, repeats, ms.front(), 2.0 * (n - 1) / n * bytes / (median * 1e6));
    return 0;
}

MELGRAD_COMMAND("bench-allreduce", "time the gradient all-reduce alone (under mpirun: transfer, no waiting)",
                "usage: mpirun -np N build/melgrad bench-allreduce [--floats 1147626] [--repeats 20] [--bucket-mb 25]\n\n"
                "All-reduces --floats floats (default: the paper CNN's 1,147,626 parameters) in buckets of --bucket-mb,\n"
                "--repeats times, each after a barrier; rank 0 prints the median time and the bus bandwidth\n"
                "2(N-1)/N x bytes / time (docs/15-data-parallel.md). One process has nothing to all-reduce.",
                cmd_bench_allreduce);

}  // namespace
}  // namespace melgrad::cli
