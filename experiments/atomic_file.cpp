#include "experiments/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace melgrad {

void write_file_atomically(const std::string& path, const std::string& bytes) {
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw std::runtime_error(path + ": cannot write (" + tmp + ": " + std::strerror(errno) + ")");
    bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    ok = std::fflush(f) == 0 && ok;
    ok = ::fsync(::fileno(f)) == 0 && ok;
    const int err = errno;
    ok = std::fclose(f) == 0 && ok;
    if (!ok) {
        std::remove(tmp.c_str());
        throw std::runtime_error(path + ": write failed (" + std::strerror(err ? err : errno) + ", disk full?)");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int rename_err = errno;
        std::remove(tmp.c_str());
        throw std::runtime_error(path + ": cannot rename " + tmp + " over it (" + std::strerror(rename_err) + ")");
    }
}

}  // namespace melgrad
