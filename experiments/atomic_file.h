// Writing a whole file so that a reader never sees half of it: the bytes go to PATH.tmp, every write is
// checked and the file fsync'ed, then PATH.tmp is renamed over PATH (a rename is atomic). A crash or a full
// disk leaves the old PATH, or none, but never a truncated one. (framework/checkpoint.cpp does the same for
// checkpoints, experiments/gtzan/dataset_file.cpp for dataset files.)
#pragma once
#include <string>

namespace melgrad {

// Throws std::runtime_error naming `path` when any step fails; the temporary file is removed then.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace melgrad
