// framework/atomic_file.h: the parts land in order, an existing file is replaced whole, and a failure names
// the file and leaves no temporary behind.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "framework/atomic_file.h"

using namespace melgrad;

namespace {
std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }
}  // namespace

TEST_CASE("atomic file: parts are written in order, an existing file is replaced, no .tmp stays") {
    const std::string path = "/tmp/melgrad_test_atomic_" + std::to_string(::getpid()) + ".bin";
    const std::string head = "HEAD";
    const std::vector<float> block = {1.0f, -2.5f, 3.25f};
    const uint64_t tail = 0x0102030405060708ULL;
    write_file_atomically(path, {ByteSpan{head.data(), head.size()}, ByteSpan{nullptr, 0},
                                 ByteSpan{block.data(), block.size() * sizeof(float)}, ByteSpan{&tail, 8}});
    std::string expected = head;
    expected.append(reinterpret_cast<const char*>(block.data()), block.size() * sizeof(float));
    expected.append(reinterpret_cast<const char*>(&tail), 8);
    CHECK(read_all(path) == expected);
    write_file_atomically(path, std::string("short"));  // over the longer file: nothing of it may remain
    CHECK(read_all(path) == "short");
    CHECK_FALSE(exists(path + ".tmp"));
    ::unlink(path.c_str());
}

TEST_CASE("atomic file: a folder that does not exist is an error naming the file and its temporary") {
    const std::string path = "/nonexistent_dir_melgrad/out.bin";
    CHECK_THROWS_WITH_AS(write_file_atomically(path, std::string("x")),
                         doctest::Contains((path + ": cannot write (" + path + ".tmp").c_str()), std::runtime_error);
    CHECK_FALSE(exists(path));
}
