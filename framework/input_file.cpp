#include "framework/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace melgrad {

namespace {

const char* kind_of(mode_t m) {
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a plain file";
}

// An open file descriptor that closes itself.
struct Fd {
    int fd;
    explicit Fd(int fd) : fd(fd) {}
    Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { if (fd >= 0) ::close(fd); }
};

// Opens without blocking (a FIFO with no writer would otherwise wait forever) and checks the type on the
// open descriptor itself, so the file checked is the file read.
Fd open_regular(const std::string& path, const std::string& label, size_t* size) {
    const std::string where = label + path + ": ";
    Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (f.fd < 0) {
        if (errno == ENOENT) throw std::runtime_error(where + "cannot open the file: it does not exist");
        throw std::runtime_error(where + "cannot open the file (" + std::strerror(errno) + ")");
    }
    struct stat st;
    if (::fstat(f.fd, &st) != 0) throw std::runtime_error(where + "cannot stat (" + std::strerror(errno) + ")");
    if (S_ISDIR(st.st_mode)) throw std::runtime_error(where + "is a directory, not a file");
    if (!S_ISREG(st.st_mode)) throw std::runtime_error(where + "is not a regular file (" + kind_of(st.st_mode) + ")");
    *size = size_t(st.st_size);
    return f;
}

}  // namespace

size_t regular_file_size(const std::string& path, const std::string& label) {
    size_t size = 0;
    open_regular(path, label, &size);
    return size;
}

std::string read_regular_file(const std::string& path, size_t max_bytes, const std::string& label) {
    size_t size = 0;
    Fd f = open_regular(path, label, &size);
    if (size > max_bytes)
        throw std::runtime_error(label + path + ": is " + std::to_string(size) + " bytes, more than the " +
                                 std::to_string(max_bytes) + " this reader accepts");
    std::string bytes(size, '\0');
    size_t got = 0;
    while (got < size) {
        const ssize_t n = ::read(f.fd, &bytes[got], size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(label + path + ": read failed (" + std::strerror(errno) + ")");
        if (n == 0) break;  // the file shrank meanwhile
        got += size_t(n);
    }
    bytes.resize(got);
    return bytes;
}

}  // namespace melgrad
