// The class names of a dataset (GTZAN's ten genres, or the folder names of your own collection) as one line of
// text, the way the dataset file's header and the checkpoint's metadata store them: "blues,classical,...".
// A folder may be called "Rock, Pop" or "50%": ',', '%' and line breaks in a name are written %2C, %25, %0A,
// %0D (URL style), so any name survives the round trip, and GTZAN's names (and every file written before
// this escaping existed) read back unchanged.
#pragma once
#include <string>
#include <vector>

#include "framework/checkpoint.h"

namespace melgrad::gtzan {

std::string join_class_names(const std::vector<std::string>& names);
// The inverse of join_class_names. `where` (a file) starts the error for a malformed escape.
std::vector<std::string> split_class_names(const std::string& line, const std::string& where);

// The class names a checkpoint was trained on (its "genres" metadata), in its model's output order.
std::vector<std::string> checkpoint_class_names(const Checkpoint& ck);

// --classes a,b,c as typed on the command line: plain commas, no escapes; empty or repeated names are errors.
std::vector<std::string> parse_class_list(const std::string& text);

}  // namespace melgrad::gtzan
