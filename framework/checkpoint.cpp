#include "framework/checkpoint.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <climits>
#include <cstring>
#include <fstream>
#include <set>
#include <stdexcept>

#include "framework/atomic_file.h"
#include "framework/input_file.h"

namespace melgrad {

static const char kMagic[8] = {'M', 'E', 'L', 'G', 'R', 'A', 'D', 'C'};

uint64_t fnv1a64(const void* data, size_t size, uint64_t hash) {
    const unsigned char* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
        hash ^= p[i];
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

// ---- writing -------------------------------------------------------------------------------------------

// Appends little-endian integers and floats to a byte buffer, whatever the host's byte order.
struct ByteWriter {
    std::string bytes;
    void u32(uint32_t v) { for (int i = 0; i < 4; ++i) bytes.push_back((char)((v >> (8 * i)) & 0xff)); }
    void u64(uint64_t v) { for (int i = 0; i < 8; ++i) bytes.push_back((char)((v >> (8 * i)) & 0xff)); }
    void str(const std::string& s) { u32((uint32_t)s.size()); bytes += s; }
    void floats(const std::vector<float>& values) {
        size_t at = bytes.size();
        bytes.resize(at + 4 * values.size());
        for (size_t i = 0; i < values.size(); ++i) {
            uint32_t bits;
            std::memcpy(&bits, &values[i], 4);
            for (int b = 0; b < 4; ++b) bytes[at + 4 * i + b] = (char)((bits >> (8 * b)) & 0xff);
        }
    }
};

void save_checkpoint(const std::string& path, const Metadata& metadata, const std::vector<NamedTensor>& tensors) {
    std::set<std::string> seen;
    size_t total = 32;
    for (const NamedTensor& t : tensors) {
        if (t.tensor == nullptr || !t.tensor->defined())
            throw std::runtime_error("checkpoint " + path + ": tensor '" + t.name + "' is not defined");
        if (!seen.insert(t.name).second)
            throw std::runtime_error("checkpoint " + path + ": tensor name '" + t.name + "' appears twice");
        if (t.tensor->ndim() > (int)kCheckpointMaxDims)
            throw std::runtime_error("checkpoint " + path + ": tensor '" + t.name + "' has more than 8 dimensions");
        total += 8 + t.name.size() + 4 * t.tensor->ndim() + 4 * t.tensor->numel();
    }
    ByteWriter w;
    w.bytes.reserve(total + 64 * metadata.size());
    w.bytes.append(kMagic, 8);
    w.u32(kCheckpointVersion);
    w.u64(0);  // the file size, patched below
    w.u32((uint32_t)metadata.size());
    for (const auto& kv : metadata) {
        w.str(kv.first);
        w.str(kv.second);
    }
    w.u32((uint32_t)tensors.size());
    for (const NamedTensor& t : tensors) {
        w.str(t.name);
        w.u32((uint32_t)t.tensor->ndim());
        for (int d : t.tensor->shape()) w.u32((uint32_t)d);
        w.floats(t.tensor->to_vector());
    }
    const uint64_t file_size = w.bytes.size() + 8;
    for (int i = 0; i < 8; ++i) w.bytes[12 + i] = (char)((file_size >> (8 * i)) & 0xff);
    w.u64(fnv1a64(w.bytes.data(), w.bytes.size()));
    write_file_atomically(path, w.bytes);  // never half a checkpoint, even after kill -9 or a full disk
}

// ---- reading -------------------------------------------------------------------------------------------

// Reads little-endian values from a byte buffer; every read checks that the bytes are there.
struct ByteReader {
    const std::string& path;
    const unsigned char* data;
    size_t size, pos = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("checkpoint " + path + ": malformed at byte " + std::to_string(pos) + ": " + what);
    }
    void need(size_t n, const char* what) const {
        if (n > size - pos) fail(std::string(what) + " needs " + std::to_string(n) + " bytes, only " +
                                 std::to_string(size - pos) + " remain");
    }
    uint32_t u32(const char* what) {
        need(4, what);
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= (uint32_t)data[pos + i] << (8 * i);
        pos += 4;
        return v;
    }
    std::string str(const char* what) {
        uint32_t n = u32(what);
        need(n, what);
        std::string s((const char*)data + pos, n);
        pos += n;
        return s;
    }
};

static uint64_t read_u64(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

// The largest checkpoint this reader accepts (the paper CNN's is a few MB; the limit only stops absurd files).
constexpr size_t kMaxCheckpointBytes = size_t(16) << 30;

// One tensor's shape and values, every length checked against the bytes that remain and every value finite.
static Tensor read_tensor(ByteReader& r, const std::string& name) {
    const unsigned char* data = r.data;
    const uint32_t ndim = r.u32("tensor ndim");
    if (ndim > kCheckpointMaxDims) r.fail("tensor '" + name + "' claims " + std::to_string(ndim) + " dimensions");
    Shape shape;
    uint64_t numel = 1;
    bool has_zero = false, too_big = false;
    for (uint32_t d = 0; d < ndim; ++d) {
        const uint32_t dim = r.u32("tensor dim");
        if (dim > (uint32_t)INT_MAX) r.fail("tensor '" + name + "' has an absurd dimension " + std::to_string(dim));
        shape.push_back((int)dim);
        if (dim == 0) has_zero = true;
        else if (numel > UINT64_MAX / 4 / dim) too_big = true;   // would overflow: certainly too big
        else numel *= dim;
    }
    if (has_zero) numel = 0;
    const uint64_t max_numel = (r.size - r.pos) / 4;   // what the rest of the file could hold
    if (too_big || numel > max_numel)
        r.fail("tensor '" + name + "' of shape " + shape_str(shape) + " needs more bytes than the file holds");
    r.need(4 * numel, "tensor data");
    std::vector<float> values(numel);
    for (size_t k = 0; k < numel; ++k) {
        uint32_t bits = 0;
        for (int b = 0; b < 4; ++b) bits |= (uint32_t)data[r.pos + 4 * k + b] << (8 * b);
        std::memcpy(&values[k], &bits, 4);
    }
    for (size_t k = 0; k < numel; ++k)
        if (!std::isfinite(values[k]))
            r.fail("tensor '" + name + "' holds " + std::to_string(values[k]) + " at index " + std::to_string(k) +
                   " (non-finite weights: the run that saved it diverged)");
    r.pos += 4 * numel;
    return Tensor::from_vector(shape, values);
}

Checkpoint load_checkpoint(const std::string& path) {
    return parse_checkpoint(read_regular_file(path, kMaxCheckpointBytes, "checkpoint "), path);
}

Checkpoint parse_checkpoint(const std::string& bytes, const std::string& path) {
    const unsigned char* data = (const unsigned char*)bytes.data();
    const size_t size = bytes.size();
    const std::string where = "checkpoint " + path + ": ";

    // 1. Magic: is this our file at all? (A shorter file that starts like one is a truncated checkpoint.)
    if (size == 0) throw std::runtime_error(where + "the file is empty (not a checkpoint, or one cut off at byte 0)");
    if (std::memcmp(data, kMagic, std::min<size_t>(size, 8)) != 0)
        throw std::runtime_error(where + "not a melgrad checkpoint (it does not start with \"MELGRADC\")");
    if (size < 20) throw std::runtime_error(where + "truncated: only " + std::to_string(size) + " bytes, the header alone has 20");

    // 2. Version, then the declared size: a truncated file is reported before the checksum would fail.
    uint32_t version = 0;
    for (int i = 0; i < 4; ++i) version |= (uint32_t)data[8 + i] << (8 * i);
    if (version != kCheckpointVersion)
        throw std::runtime_error(where + "unsupported checkpoint format version " + std::to_string(version) +
                                 " (this melgrad reads version " + std::to_string(kCheckpointVersion) + ")");
    const uint64_t declared = read_u64(data + 12);
    if (declared > size)
        throw std::runtime_error(where + "truncated: the file has " + std::to_string(size) + " bytes, its header says " +
                                 std::to_string(declared));
    if (declared < size || declared < 32)
        throw std::runtime_error(where + "corrupted: the file has " + std::to_string(size) + " bytes, its header says " +
                                 std::to_string(declared));

    // 3. Checksum of everything before the last 8 bytes.
    const uint64_t stored = read_u64(data + size - 8);
    const uint64_t computed = fnv1a64(data, size - 8);
    if (stored != computed) {
        char msg[120];
        std::snprintf(msg, sizeof msg, "checksum mismatch (stored %016llx, computed %016llx): the file is corrupted",
                      (unsigned long long)stored, (unsigned long long)computed);
        throw std::runtime_error(where + msg);
    }

    // 4. Contents. The checksum passed, but a file written by a buggy or hostile writer could still lie, so
    //    every length is checked against the bytes that remain before anything is allocated.
    Checkpoint ck;
    ck.path = path;
    ck.version = version;
    ByteReader r{path, data, size - 8, 20};
    const uint32_t n_meta = r.u32("metadata count");
    for (uint32_t i = 0; i < n_meta; ++i) {
        std::string key = r.str("metadata key");
        std::string value = r.str("metadata value");
        if (!ck.metadata.emplace(key, value).second) r.fail("metadata key '" + key + "' appears twice");
    }
    const uint32_t n_tensors = r.u32("tensor count");
    for (uint32_t i = 0; i < n_tensors; ++i) {
        std::string name = r.str("tensor name");
        if (ck.tensors.count(name)) r.fail("tensor name '" + name + "' appears twice");
        Tensor t = read_tensor(r, name);
        ck.names.push_back(name);
        ck.tensors.emplace(name, std::move(t));
    }
    if (r.pos != r.size) r.fail(std::to_string(r.size - r.pos) + " unexpected bytes after the last tensor");
    return ck;
}

// ---- using a loaded checkpoint -------------------------------------------------------------------------

const Tensor& Checkpoint::tensor(const std::string& name) const {
    auto it = tensors.find(name);
    if (it == tensors.end()) throw std::runtime_error("checkpoint " + path + ": no tensor named '" + name + "'");
    return it->second;
}

const std::string& Checkpoint::meta(const std::string& key) const {
    auto it = metadata.find(key);
    if (it == metadata.end()) throw std::runtime_error("checkpoint " + path + ": no metadata entry '" + key + "'");
    return it->second;
}

long long Checkpoint::meta_whole(const std::string& key, long long lo, long long hi) const {
    const std::string& text = meta(key);
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || v < lo || v > hi || std::isspace((unsigned char)text[0]))
        throw std::runtime_error("checkpoint " + path + ": metadata '" + key + "' = '" + text.substr(0, 60) +
                                 "' is not a whole number in " + std::to_string(lo) + ".." + std::to_string(hi));
    return v;
}

std::vector<NamedTensor> with_section(const std::string& section, const std::vector<NamedTensor>& tensors) {
    std::vector<NamedTensor> out;
    for (const NamedTensor& t : tensors) out.push_back({section + "." + t.name, t.tensor});
    return out;
}

void restore_into(const Checkpoint& ck, std::vector<NamedTensor>& targets, const std::string& what) {
    const std::string prefix = what.empty() ? "" : what + ".";
    const std::string label = what.empty() ? "" : what + " ";
    const std::string where = "checkpoint " + ck.path + ": ";
    std::set<std::string> wanted;
    for (const NamedTensor& t : targets) {
        const std::string name = prefix + t.name;
        wanted.insert(name);
        auto it = ck.tensors.find(name);
        if (it == ck.tensors.end())
            throw std::runtime_error(where + "has no " + label + "tensor '" + t.name + "' (looked for '" + name +
                                     "'; was it saved from another model?)");
        if (it->second.shape() != t.tensor->shape())
            throw std::runtime_error(where + label + "tensor '" + t.name + "' has shape " + shape_str(it->second.shape()) +
                                     " in the file but " + shape_str(t.tensor->shape()) + " here");
    }
    for (const std::string& name : ck.names) {
        if (name.compare(0, prefix.size(), prefix) == 0 && !wanted.count(name))
            throw std::runtime_error(where + "holds " + label + "tensor '" + name.substr(prefix.size()) +
                                     "' that nothing here expects (was it saved from another model?)");
    }
    for (NamedTensor& t : targets) t.tensor->copy_from(ck.tensors.at(prefix + t.name));
}

}  // namespace melgrad
