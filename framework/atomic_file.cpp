#include "framework/atomic_file.h"

#include <fcntl.h>
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

void write_file_atomically(const std::string& path, std::initializer_list<ByteSpan> parts) {
    const std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw failure(path, tmp, "cannot write", errno);
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
