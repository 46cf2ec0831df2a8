#include "framework/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace melgrad {

namespace {

std::runtime_error failure(const std::string& path, const std::string& tmp, const std::string& what, int err) {
    ::unlink(tmp.c_str());
    return std::runtime_error(path + ": " + what + " (" + tmp + ": " + std::strerror(err) + ")");
}

// Writes every byte (write() may write fewer than asked, or be interrupted by a signal).
bool write_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t done = ::write(fd, p, n);
        if (done < 0 && errno == EINTR) continue;
        if (done <= 0) return false;
        p += done;
        n -= (size_t)done;
    }
    return true;
}

void sync_folder_of(const std::string& path) {  // best effort: some file systems cannot fsync a folder
    size_t slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace

// Only a regular file (or nothing) may be replaced: renaming over /dev/full or a FIFO named by -o would
// swap a device node for a file (we may run as root), and writing into one would not be atomic anyway.
static void check_replaceable(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return;  // nothing there yet (or a dangling link): a new file
    if (S_ISDIR(st.st_mode)) throw std::runtime_error(path + ": is a directory, cannot write a file there");
    if (!S_ISREG(st.st_mode))
        throw std::runtime_error(path + ": is not a regular file (a device, FIFO or socket): refusing to write over it");
}

void write_file_atomically(const std::string& path, std::initializer_list<ByteSpan> parts) {
    check_replaceable(path);
    const std::string tmp = path + ".tmp";
    // O_NOFOLLOW | O_NONBLOCK: a stale PATH.tmp that is a link or a FIFO is an error, never followed or waited on
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0) throw std::runtime_error(path + ": cannot write (" + tmp + ": " + std::strerror(errno) + ")");
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw std::runtime_error(path + ": cannot write (" + tmp + " exists and is not a regular file)");
    }
    for (const ByteSpan& part : parts)
        if (!write_all(fd, static_cast<const char*>(part.data), part.size)) {
            int err = errno;
            ::close(fd);
            throw failure(path, tmp, "write failed, disk full?", err);
        }
    if (::fsync(fd) != 0) {
        int err = errno;
        ::close(fd);
        throw failure(path, tmp, "fsync failed", err);
    }
    if (::close(fd) != 0) throw failure(path, tmp, "close failed", errno);
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw failure(path, tmp, "cannot rename the new file over it", errno);
    sync_folder_of(path);
}

}  // namespace melgrad
