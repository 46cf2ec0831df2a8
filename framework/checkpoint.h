// Checkpoints: a model's (and optimizer's) named tensors plus key=value metadata in one binary file.
//
// Format version 1, every integer and float little-endian, no padding or alignment:
//
//   offset  bytes     field
//   0       8         magic: the ASCII characters "MELGRADC" (no terminator)
//   8       4         format version, uint32 (= 1)
//   12      8         total file size in bytes, uint64 (so a truncated file is reported as such)
//   20      4         M = number of metadata entries, uint32
//           M times:  uint32 key length K, K bytes of key (UTF-8),
//                     uint32 value length V, V bytes of value (UTF-8)
//           4         N = number of tensors, uint32
//           N times:  uint32 name length L, L bytes of name (UTF-8; unique in the file),
//                     uint32 ndim (0..8), ndim x uint32 dims (each < 2^31),
//                     prod(dims) x float32 values (row-major; an ndim 0 tensor holds one value)
//   size-8  8         checksum: FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of every
//                     byte before it, uint64
//
// Names follow the convention "<section>.<tensor name>": "model.0.weight", "optimizer.exp_avg.0.weight",
// so one file holds several sections and restore_into() takes one of them. Metadata holds what the trainer
// wants to keep: model name and text, epoch, seed, optimizer and schedule state (see framework/optim/).
//
// Writing is atomic: the bytes go to PATH.tmp, which is fsync'ed and then renamed over PATH, so a crash
// mid-write leaves the previous checkpoint intact. Loading never trusts the header: the whole file is read
// (its size bounds every allocation), then magic, version, size, checksum and every length are checked,
// and anything wrong is a std::runtime_error naming the file and the problem — never a crash.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "framework/module.h"
#include "framework/tensor.h"

namespace melgrad {

using Metadata = std::map<std::string, std::string>;

constexpr uint32_t kCheckpointVersion = 1;
constexpr size_t kCheckpointMaxDims = 8;

struct Checkpoint {
    std::string path;
    uint32_t version = 0;
    Metadata metadata;
    std::vector<std::string> names;            // tensor names in file order
    std::map<std::string, Tensor> tensors;     // CPU tensors, by name

    bool has(const std::string& name) const { return tensors.count(name) != 0; }
    const Tensor& tensor(const std::string& name) const;      // throws naming the file when absent
    const std::string& meta(const std::string& key) const;    // throws naming the file when absent
    // A whole-number entry in lo..hi; throws "checkpoint PATH: metadata 'key' = 'text' is not a whole number
    // in lo..hi" (never std::stoi's bare "stoi").
    long long meta_whole(const std::string& key, long long lo, long long hi) const;
};

// Writes `tensors` (any device; copied to the host) and `metadata` to `path` atomically (see above).
// Throws std::runtime_error naming the file on an I/O error or a duplicate tensor name.
void save_checkpoint(const std::string& path, const Metadata& metadata, const std::vector<NamedTensor>& tensors);

// Reads and fully validates a checkpoint. Errors (std::runtime_error, message starts with "checkpoint PATH:"):
// missing/unreadable file, "not a melgrad checkpoint" (wrong magic), unsupported version, truncated file,
// checksum mismatch, malformed contents (absurd lengths, duplicate names).
Checkpoint load_checkpoint(const std::string& path);
// The same checks on bytes already in memory (`path` names them in errors): the fuzz target's entry point.
Checkpoint parse_checkpoint(const std::string& bytes, const std::string& path);

// The same tensors with names prefixed by "<section>.": use it to put a model and an optimizer in one file.
std::vector<NamedTensor> with_section(const std::string& section, const std::vector<NamedTensor>& tensors);

// Copies section `what` of the checkpoint (tensors named "<what>.<name>"; every tensor when `what` is empty)
// into `targets`, matched by name. Checks everything before copying anything; throws std::runtime_error naming
// the file, the tensor and both shapes on: a target missing from the file, a tensor in the file's section that
// no target wants, or a shape mismatch. Targets may live on any device.
void restore_into(const Checkpoint& checkpoint, std::vector<NamedTensor>& targets, const std::string& what);

// FNV-1a 64 of a byte range, continuing from `hash` (start with the offset basis, the default).
uint64_t fnv1a64(const void* data, size_t size, uint64_t hash = 0xcbf29ce484222325ULL);

}  // namespace melgrad
