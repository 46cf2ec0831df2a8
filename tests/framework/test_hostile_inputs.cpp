// Hostile inputs to the framework's readers and writers (issue 13): a FIFO, /dev/zero or a directory given as
// a checkpoint or a model file is refused at once (never a hang, never reading until the memory runs out);
// sizes in a model text are range-checked before anything is allocated; writes never replace a device;
// 0-sized tensors and huge confusion counts are handled without undefined behaviour.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "experiments/gtzan/metrics.h"
#include "framework/atomic_file.h"
#include "framework/checkpoint.h"
#include "framework/input_file.h"
#include "framework/model_text.h"
#include "framework/tensor.h"
#include "tests/error_message.h"

using namespace melgrad;
namespace fs = std::filesystem;

namespace {

// A FIFO with no writer: open() without O_NONBLOCK would wait for one forever.
struct Fifo {
    std::string path;
    Fifo() : path((fs::temp_directory_path() / ("melgrad_fifo_" + std::to_string(::getpid()))).string()) {
        ::unlink(path.c_str());
        REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    }
    ~Fifo() { ::unlink(path.c_str()); }
};

using melgrad::testing::contains;
using melgrad::testing::error_of;

std::string model_error(const std::string& text) {
    return error_of([&] { build_model(text, "m.txt"); });
}

}  // namespace

TEST_CASE("input files: a FIFO, /dev/zero and a directory are refused before a byte is read") {
    Fifo fifo;
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(contains(error_of([&] { read_regular_file(fifo.path, 100); }), "is not a regular file (a FIFO)"));
    CHECK(contains(error_of([&] { load_checkpoint(fifo.path); }), "checkpoint " + fifo.path + ": is not a regular file"));
    CHECK(contains(error_of([&] { resolve_model_text(fifo.path); }), "is not a regular file (a FIFO)"));
    CHECK(contains(error_of([&] { load_checkpoint("/dev/zero"); }), "/dev/zero: is not a regular file (a character device)"));
    CHECK(contains(error_of([&] { load_checkpoint(fs::temp_directory_path().string()); }), "is a directory"));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));  // no hang
    CHECK(contains(error_of([&] { read_regular_file("/nonexistent/x", 100); }), "/nonexistent/x: cannot open the file"));
}

TEST_CASE("input files: a file larger than its reader's limit is refused before it is read") {
    const std::string path = (fs::temp_directory_path() / ("melgrad_big_" + std::to_string(::getpid()))).string();
    write_file_atomically(path, std::string(1000, 'x'));
    CHECK(read_regular_file(path, 1000).size() == 1000);
    CHECK(contains(error_of([&] { read_regular_file(path, 999); }), "is 1000 bytes, more than the 999"));
    ::unlink(path.c_str());
}

TEST_CASE("atomic writes: a device or a FIFO named as the output is refused, never replaced") {
    CHECK(contains(error_of([&] { write_file_atomically("/dev/full", "abc"); }),
                   "/dev/full: is not a regular file (a device, FIFO or socket): refusing to write over it"));
    struct stat st;
    REQUIRE(::stat("/dev/full", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));  // still the device (we may run as root: a rename would have replaced it)
    CHECK(!fs::exists("/dev/full.tmp"));
    Fifo fifo;
    CHECK(contains(error_of([&] { write_file_atomically(fifo.path, "abc"); }), "refusing to write over it"));
}

TEST_CASE("model text: every size and rate is range-checked, with file:line") {
    CHECK(contains(model_error("input 1 99999999999 128\nflatten\n"), "m.txt:1: input dimension '99999999999' is not an integer in 1..65536"));
    CHECK(contains(model_error("input 1 8 8\nconv2d out=2147483647 kernel=3\n"), "m.txt:2: out=2147483647 is outside (1..65536)"));
    CHECK(contains(model_error("input 1 8 8\nconv2d out=4 kernel=0\n"), "m.txt:2: kernel=0 must be positive (1..1024)"));
    CHECK(contains(model_error("input 1 8 8\navgpool2d kernel=2 stride=0\n"), "m.txt:2: stride=0 must be positive (1..1024)"));
    CHECK(contains(model_error("input 1 8 8\nmaxpool2d kernel=2 stride=-1\n"), "m.txt:2: stride=-1"));
    CHECK(contains(model_error("input 1 8 8\nbatchnorm2d eps=-1\n"), "m.txt:2: eps=-1 must be in (0, 1]"));
    CHECK(contains(model_error("input 1 8 8\nbatchnorm2d eps=nan\n"), "m.txt:2: eps=nan is not a number"));
    CHECK(contains(model_error("input 1 8 8\ndropout p=1.5\n"), "m.txt:2: p=1.5 must be in [0, 1]"));
    CHECK(contains(model_error("input 1 8 8\nflatten\nlinear out=1000000000\n"), "m.txt:3: out=1000000000 is outside"));
    CHECK(contains(model_error("input 1 8 8\nflatten\nlinear out=1048576\nlinear out=1048576\n"),
                   "m.txt:4: the linear weight would hold"));
    CHECK(contains(model_error("input 4096 4096 4096\nflatten\n"), "m.txt:1: the input would hold"));
    CHECK(contains(model_error("input 1 8 8\nconv2d out=4 kernel=3 stride=1e300\n"), "m.txt:2: stride=1e+300 is outside"));
    // a layer's own check (here Conv2d's: the kernel does not fit the input) carries file:line as well
    CHECK(contains(model_error("input 1 4 4\nconv2d out=4 kernel=9\n"), "m.txt:2: "));
    build_model("input 1 8 8\nconv2d out=4 kernel=3 padding=1\nbatchnorm2d eps=1e-5\navgpool2d kernel=2\nflatten\nlinear out=10\n", "ok");
}

TEST_CASE("tensors and metrics: a 0-sized dimension and counts that would overflow") {
    Tensor t = Tensor::from_vector({0, 3}, {});  // memcpy from a null pointer was undefined behaviour
    CHECK(t.numel() == 0);
    gtzan::Confusion c(2);
    c.counts = {LONG_MAX, 1, 0, 0};
    CHECK_THROWS_AS(c.total(), std::overflow_error);
    CHECK_THROWS_AS(c.recall(0), std::overflow_error);
    c.counts = {3, 1, 0, 4};
    CHECK(c.total() == 8);
}
