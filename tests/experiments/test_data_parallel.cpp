// Data-parallel training end to end: build/melgrad under `mpirun -np 2` (one OpenMP thread per rank, as CI's
// 2 cores allow) against build/melgrad alone, on a small learnable dataset written here.
//   --sync-bn: 2 ranks follow the single process's per-step loss within 1e-5 (relative), same accuracies,
//              for the tiny CNN (2 epochs) and the paper CNN (3 steps, with dropout); --resume under mpirun
//              ends where the straight run ends; the bucket size does not change the result
//   the gradient all-reduce overlapped with backward (the default) gives the --no-overlap run's losses and
//              weights bit for bit, for several bucket sizes
//   per-rank BatchNorm (the default) runs and learns
//   a --batch that 2 ranks cannot share is refused with a clear error
// Skipped, with the reason, when mpirun is absent or melgrad was built without MPI.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "experiments/gtzan/dataset_file.h"
#include "experiments/gtzan/scan.h"
#include "framework/distributed/communicator.h"
#include "framework/rng.h"

using namespace melgrad;
namespace fs = std::filesystem;

namespace {

bool mpirun_on_path() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string d; std::getline(dirs, d, ':');)
        if (!d.empty() && ::access((fs::path(d) / "mpirun").c_str(), X_OK) == 0) return true;
    return false;
}
bool can_run_mpi() { return distributed::built_with_mpi() && mpirun_on_path(); }
// Why the cases below are skipped, when they are.
const char* no_mpi_reason() {
    if (!distributed::built_with_mpi())
        return "this build has no MPI (tools/setup.sh installs OpenMPI; SANITIZE and FUZZ builds leave it out)";
    return "no mpirun on PATH (tools/setup.sh installs openmpi-bin)";
}

std::string melgrad_binary() { return (fs::read_symlink("/proc/self/exe").parent_path() / "melgrad").string(); }

fs::path scratch() {
    fs::path d = fs::temp_directory_path() / ("melgrad_dp_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

// 10 genres x 8 clips of one 128 x 128 chunk: noise over a level that rises with the genre, something a
// small CNN (global average pooling: a level, not a place) learns in two epochs.
fs::path write_learnable_dataset(const fs::path& dir, const std::string& name = "learnable.mgd", uint64_t seed = 5) {
    gtzan::DatasetContents c;
    c.genres = gtzan::gtzan_genre_names();
    c.header["synthetic"] = "1";
    Rng rng(seed);
    for (int g = 0; g < 10; g++)
        for (int i = 0; i < 8; i++) {
            c.clips.push_back({g, c.genres[g] + "/" + c.genres[g] + ".0000" + std::to_string(i) + ".wav",
                               (uint32_t)c.chunks.size(), 1});
            c.chunks.push_back({(uint32_t)c.clips.size() - 1, 0});
            for (int t = 0; t < 128 * 128; t++)
                c.data.push_back(0.08f * (float)g + 0.3f * (float)rng.uniform());
        }
    fs::path path = dir / name;
    gtzan::write_dataset(path.string(), c);
    return path;
}

struct RunOutput {
    int status;
    std::string out, err;
};

RunOutput run(const std::string& command, const fs::path& dir) {
    const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
    int rc = std::system((command + " > " + out.string() + " 2> " + err.string()).c_str());
    auto read = [](const fs::path& p) { std::ifstream f(p); std::stringstream s; s << f.rdbuf(); return s.str(); };
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read(out), read(err)};
}

// --oversubscribe: more ranks than CI's cores; --allow-run-as-root: CI containers run as root; no single-copy
// shared memory (CMA): containers often forbid the process_vm_readv it uses, and OpenMPI then fails.
const std::string kMpirun =
    "mpirun --oversubscribe --allow-run-as-root --mca btl_vader_single_copy_mechanism none ";
std::string mpirun(int ranks) { return kMpirun + "-np " + std::to_string(ranks) + " "; }

// `melgrad train` on the dataset into dir/name with --log-steps; returns its output.
RunOutput train(const std::string& launcher, const fs::path& data, const fs::path& dir, const std::string& name,
                const std::string& flags) {
    const std::string cmd = launcher + melgrad_binary() + " train --data " + data.string() + " --out " +
                            (dir / name).string() + " --device cpu --threads 1 --seed 1 --log-steps " + flags;
    RunOutput r = run(cmd, dir);
    INFO(cmd << "\n" << r.err);
    REQUIRE(r.status == 0);
    return r;
}

struct Step {
    std::string where;  // "epoch=1 batch=3"
    double loss, acc;
};

std::vector<Step> steps_of(const std::string& out) {
    std::vector<Step> steps;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("step ", 0) != 0) continue;
        Step s;
        char where[64];
        REQUIRE(std::sscanf(line.c_str(), "step %63[^l]loss=%lf acc=%lf", where, &s.loss, &s.acc) == 3);
        s.where = where;
        steps.push_back(s);
    }
    return steps;
}

// Same steps, losses within `rel` (relative), same accuracies.
void check_same_steps(const std::vector<Step>& got, const std::vector<Step>& want, double rel) {
    REQUIRE(got.size() == want.size());
    REQUIRE(!want.empty());
    for (size_t i = 0; i < want.size(); i++) {
        INFO("step " << want[i].where << ": " << got[i].loss << " vs " << want[i].loss);
        CHECK(got[i].where == want[i].where);
        CHECK(std::fabs(got[i].loss - want[i].loss) <= rel * std::fabs(want[i].loss));
        CHECK(got[i].acc == want[i].acc);
    }
}

// A column of metrics.csv (epoch,train_loss,train_acc,val_loss,val_acc,...), one value per epoch.
std::vector<std::string> metrics_column(const fs::path& run_dir, size_t column) {
    std::ifstream f(run_dir / "metrics.csv");
    std::string line;
    std::vector<std::string> accs;
    std::getline(f, line);  // the header
    while (std::getline(f, line)) {
        std::vector<std::string> cols;
        std::istringstream row(line);
        for (std::string c; std::getline(row, c, ',');) cols.push_back(c);
        REQUIRE(cols.size() > column);
        accs.push_back(cols[column]);
    }
    return accs;
}
std::vector<std::string> val_accuracies(const fs::path& run_dir) { return metrics_column(run_dir, 4); }

const char* const kNoMpi = no_mpi_reason();

// `flags` trained by one process and by 2 ranks with --sync-bn: the steps agree within 1e-5, the validation
// accuracies exactly. Returns the 2-rank run's steps.
std::vector<Step> check_sync_bn_trains_one_process(const fs::path& dir, const fs::path& data, const std::string& flags) {
    auto one = steps_of(train("", data, dir, "one", flags).out);
    auto two = steps_of(train(mpirun(2), data, dir, "two", flags + " --sync-bn").out);
    check_same_steps(two, one, 1e-5);
    CHECK(val_accuracies(dir / "two") == val_accuracies(dir / "one"));
    return two;
}

}  // namespace

TEST_CASE("data parallel: 2 ranks with --sync-bn train what 1 process trains (tiny CNN, 2 epochs; --resume)" *
          doctest::skip(!can_run_mpi()) * doctest::description(kNoMpi)) {
    const fs::path dir = scratch(), data = write_learnable_dataset(dir);
    const std::string flags = "--model tiny-cnn --epochs 2 --batch 16";
    const std::vector<Step> two = check_sync_bn_trains_one_process(dir, data, flags);

    // Stopped after epoch 1 and resumed under mpirun: epoch 2 is the straight run's epoch 2.
    train(mpirun(2), data, dir, "resumed", "--model tiny-cnn --epochs 1 --batch 16 --sync-bn");
    auto resumed = steps_of(train(mpirun(2), data, dir, "resumed", flags + " --sync-bn --resume").out);
    check_same_steps(resumed, std::vector<Step>(two.begin() + (two.size() - resumed.size()), two.end()), 1e-7);
    CHECK(resumed.size() == two.size() / 2);
    CHECK(val_accuracies(dir / "resumed") == val_accuracies(dir / "two"));
    fs::remove_all(dir);
}

TEST_CASE("data parallel: the paper CNN with dropout, 3 steps, 2 ranks --sync-bn = 1 process" *
          doctest::skip(!can_run_mpi()) * doctest::description(kNoMpi)) {
    const fs::path dir = scratch(), data = write_learnable_dataset(dir);
    check_sync_bn_trains_one_process(dir, data, "--model paper-cnn --epochs 1 --max-batches 3 --batch 8");
    fs::remove_all(dir);
}

TEST_CASE("data parallel: per-rank BatchNorm learns, and the bucket size does not change the result" *
          doctest::skip(!can_run_mpi()) * doctest::description(kNoMpi)) {
    const fs::path dir = scratch(), data = write_learnable_dataset(dir);
    const std::string flags = "--model tiny-cnn --epochs 2 --batch 16 --lr 0.003";
    RunOutput r = train(mpirun(2), data, dir, "big", flags);  // one bucket for the whole model
    auto big = steps_of(r.out);
    auto small = steps_of(train(mpirun(2), data, dir, "small", flags + " --bucket-mb 0.0001").out);  // 8 buckets
    check_same_steps(small, big, 1e-6);
    CHECK(r.out.find("data parallel: 2 ranks") != std::string::npos);
    // learns: the second epoch's training loss below the first's, its accuracy twice chance (10%). (Not
    // validation: after 8 steps BatchNorm's running statistics are still far from the data's.)
    const std::vector<std::string> loss = metrics_column(dir / "big", 1), acc = metrics_column(dir / "big", 2);
    CHECK(std::stod(loss[1]) < std::stod(loss[0]));
    CHECK(std::stod(acc[1]) >= 0.2);
    fs::remove_all(dir);
}

// The bytes of a file (a checkpoint: every weight and the optimizer's state).
std::string file_bytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// With 2 ranks every element of a bucket is the sum of two numbers, the same whichever order or moment they
// are added in: starting the buckets during backward must give exactly (bit for bit) the losses and the
// weights of starting them after it. A bucket started before its gradients were final would not.
TEST_CASE("data parallel: the all-reduce overlapped with backward = after it, bit for bit, for any bucket size" *
          doctest::skip(!can_run_mpi()) * doctest::description(kNoMpi)) {
    const fs::path dir = scratch(), data = write_learnable_dataset(dir);
    const std::string flags = "--model tiny-cnn --epochs 1 --max-batches 3 --batch 16 --lr 0.003";
    // one bucket; a few; one per parameter (with --sync-bn: BatchNorm's own all-reduces in between)
    for (const std::string bucket : {"--bucket-mb 25", "--bucket-mb 0.002", "--bucket-mb 0.0001 --sync-bn"}) {
        INFO(bucket);
        RunOutput overlapped = train(mpirun(2), data, dir, "on", flags + " " + bucket);
        RunOutput after = train(mpirun(2), data, dir, "off", flags + " " + bucket + " --no-overlap");
        CHECK(overlapped.out.find("(started during backward)") != std::string::npos);
        CHECK(after.out.find("(--no-overlap: started after backward)") != std::string::npos);
        const auto on = steps_of(overlapped.out), off = steps_of(after.out);
        check_same_steps(on, off, 0.0);
        CHECK(on.size() == 3);
        CHECK(file_bytes(dir / "on" / "last.ckpt") == file_bytes(dir / "off" / "last.ckpt"));
        fs::remove_all(dir / "on");
        fs::remove_all(dir / "off");
    }
    fs::remove_all(dir);
}

TEST_CASE("data parallel: ranks that do not start alike (other settings, another dataset) are refused" *
          doctest::skip(!can_run_mpi()) * doctest::description(kNoMpi)) {
    const fs::path dir = scratch(), data = write_learnable_dataset(dir);
    const std::string copy = (dir / "copy.mgd").string();  // the same bytes under another name
    fs::copy_file(data, copy);
    const std::string different = write_learnable_dataset(dir, "different.mgd", 6).string();
    // mpirun's MPMD form: rank 0 runs the part before ':', rank 1 the part after it
    auto rank = [&](const std::string& file, const std::string& flags) {
        return "-np 1 " + melgrad_binary() + " train --data " + file + " --out " + (dir / "r").string() +
               " --model tiny-cnn --epochs 1 --max-batches 1 --threads 1 " + flags;
    };
    const std::string mpi = kMpirun;
    RunOutput lr = run(mpi + rank(data.string(), "") + " : " + rank(data.string(), "--lr 0.1"), dir);
    CHECK(lr.status != 0);
    CHECK(lr.err.find("the training settings: not the same on every rank") != std::string::npos);
    RunOutput other = run(mpi + rank(data.string(), "") + " : " + rank(different, ""), dir);
    CHECK(other.status != 0);
    CHECK(other.err.find("different.mgd: not the same on every rank") != std::string::npos);
    fs::remove_all(dir / "r");
    RunOutput same = run(mpi + rank(data.string(), "") + " : " + rank(copy, ""), dir);
    CHECK(same.status == 0);  // another path to the same contents is fine (another machine's copy)
    fs::remove_all(dir);
}

TEST_CASE("data parallel: a --batch that the ranks cannot share is refused, naming the fix" *
          doctest::skip(!can_run_mpi()) * doctest::description(kNoMpi)) {
    const fs::path dir = scratch(), data = write_learnable_dataset(dir);
    RunOutput r = run(mpirun(2) + melgrad_binary() + " train --data " + data.string() + " --out " +
                          (dir / "x").string() + " --model tiny-cnn --batch 15 --threads 1", dir);
    CHECK(r.status != 0);
    CHECK(r.err.find("--batch 15 does not divide among 2 ranks") != std::string::npos);
    fs::remove_all(dir);
}
