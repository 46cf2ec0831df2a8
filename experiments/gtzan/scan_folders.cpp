// scan_folders(): a dataset as one folder per class, searched recursively (see scan.h).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "experiments/gtzan/scan.h"

namespace fs = std::filesystem;

namespace melgrad::gtzan {

bool has_audio_extension(const std::string& file_name) {
    std::string ext = fs::path(file_name).extension().string();
    for (char& c : ext) c = (char)std::tolower((unsigned char)c);
    return ext == ".wav" || ext == ".au" || ext == ".mp3" || ext == ".flac" || ext == ".ogg";
}

namespace {

constexpr size_t kMaxClasses = 65535;  // the dataset file stores a clip's class in 16 bits

// The folders in `root` (hidden ones left out), sorted by name: the classes, unless --classes names them.
std::vector<std::string> class_folders(const fs::path& root) {
    std::vector<std::string> names;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(root, ec)) {
        const std::string name = e.path().filename().string();
        if (name[0] != '.' && e.is_directory(ec)) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Which folders become classes: all (sorted), or exactly the ones --classes names, in its order.
std::vector<std::string> choose_classes(const fs::path& root, const std::vector<std::string>& wanted,
                                        std::vector<std::string>& problems) {
    const std::vector<std::string> found = class_folders(root);
    for (const std::string& name : found)  // the CSV files and tables written later are one line per class
        if (name.find_first_of("\r\n") != std::string::npos)
            throw std::runtime_error((root / name).string() + ": a line break in a class folder's name; rename it");
    if (wanted.empty()) return found;
    for (const std::string& name : wanted)
        if (!std::binary_search(found.begin(), found.end(), name))
            throw std::runtime_error((root / name).string() + ": no such class folder (named in --classes)");
    for (const std::string& name : found)
        if (std::find(wanted.begin(), wanted.end(), name) == wanted.end())
            problems.push_back("folder not in --classes, ignored: " + (root / name).string());
    return wanted;
}

// Every audio file below `folder`, at any depth, sorted by path; the other files are counted by extension.
std::vector<fs::path> audio_files_below(const fs::path& folder, std::map<std::string, int>& ignored) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
         it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name[0] == '.') {  // hidden files and folders (.DS_Store, .git) are not data
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec)) continue;
        if (has_audio_extension(name)) files.push_back(it->path());
        else ignored[it->path().extension().string()]++;
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string describe_ignored(const std::map<std::string, int>& ignored) {
    std::string text;
    int total = 0;
    for (auto& kv : ignored) {
        total += kv.second;
        text += (text.empty() ? "" : ", ") + (kv.first.empty() ? std::string("no extension") : kv.first) + " " +
                std::to_string(kv.second);
    }
    return std::to_string(total) + " files that are not .wav/.au/.mp3/.flac/.ogg ignored (" + text + ")";
}

}  // namespace

DatasetScan scan_folders(const std::string& dir, const std::vector<std::string>& wanted) {
    check_is_directory(dir);
    DatasetScan s;
    s.root = dir;
    s.layout = "folders";
    s.classes = choose_classes(dir, wanted, s.problems);
    if (s.classes.size() < 2)
        throw std::runtime_error(dir + ": " + std::to_string(s.classes.size()) +
                                 " class folder(s); expected GTZAN (genres/<genre>/ or genres_original/<genre>/, "
                                 "optionally under Data/) or one folder per class, at least two: DIR/<class>/.../"
                                 "<file>.wav|au|mp3|flac|ogg");
    if (s.classes.size() > kMaxClasses)
        throw std::runtime_error(dir + ": " + std::to_string(s.classes.size()) + " class folders, at most " +
                                 std::to_string(kMaxClasses) + " are supported");
    s.per_class.assign(s.classes.size(), 0);
    std::map<std::string, int> ignored;
    for (size_t c = 0; c < s.classes.size(); c++) {
        const fs::path folder = fs::path(dir) / s.classes[c];
        for (const fs::path& file : audio_files_below(folder, ignored))
            s.clips.push_back({(int)c, s.per_class[c]++, file.string(), file.lexically_relative(dir).generic_string(), ""});
        if (s.per_class[c] == 0) s.problems.push_back("class " + s.classes[c] + ": no audio files in " + folder.string());
    }
    if (!ignored.empty()) s.problems.push_back(describe_ignored(ignored));
    if (s.clips.empty())
        throw std::runtime_error(dir + ": " + std::to_string(s.classes.size()) +
                                 " class folders but no .wav/.au/.mp3/.flac/.ogg file in them");
    return s;
}

}  // namespace melgrad::gtzan
