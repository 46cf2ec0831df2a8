// Writing a whole file so that a reader never sees half of it: the bytes go to PATH.tmp, every write is
// checked and the file fsync'ed, PATH.tmp is renamed over PATH (a rename is atomic), and the folder is
// fsync'ed so that the rename itself survives a power cut. A crash or a full disk leaves the old PATH, or
// none, but never a truncated one. Checkpoints, eval.json and the other results files are written this way.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <string>

namespace melgrad {

// One piece of the file, written in order (a header, then a large block that is not copied).
struct ByteSpan {
    const void* data;
    size_t size;
};

// Throws std::runtime_error naming `path` (and PATH.tmp) when any step fails; PATH.tmp is removed then.
void write_file_atomically(const std::string& path, std::initializer_list<ByteSpan> parts);
inline void write_file_atomically(const std::string& path, const std::string& bytes) {
    write_file_atomically(path, {ByteSpan{bytes.data(), bytes.size()}});
}

}  // namespace melgrad
