// Opening a file for reading without trusting it: every reader of a user-given path (checkpoints, datasets,
// model text, run files, audio, .npy) goes through here, so a FIFO never blocks the program, /dev/zero never
// fills the memory, and a directory or a missing file gets the same clear message everywhere.
//   - the file is opened with O_NONBLOCK (opening a FIFO does not wait for a writer), then fstat'ed: anything
//     but a regular file is refused before a single byte is read;
//   - its size is checked against `max_bytes` before anything is allocated, and exactly that many bytes are
//     read (a file that grows meanwhile is read as it was).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace melgrad {

constexpr size_t kNoSizeLimit = SIZE_MAX;

// The size of the regular file at `path`. Throws std::runtime_error starting with `label` + path:
// "cannot open the file: it does not exist", "is a directory", "is not a regular file (a FIFO / device / socket)", "cannot open".
size_t regular_file_size(const std::string& path, const std::string& label = "");

// The whole file, after regular_file_size's checks; files over max_bytes are refused ("is N bytes, more
// than the M this reader accepts").
std::string read_regular_file(const std::string& path, size_t max_bytes, const std::string& label = "");

}  // namespace melgrad
