#include "experiments/gtzan/dataset_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "experiments/gtzan/class_names.h"
#include "framework/atomic_file.h"
#include "framework/input_file.h"

namespace melgrad::gtzan {

uint64_t fnv1a64_words(const void* data, size_t bytes, uint64_t hash) {
    const unsigned char* p = static_cast<const unsigned char*>(data);
    size_t i = 0;
    for (; i + 8 <= bytes; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        hash = (hash ^ w) * 0x100000001b3ull;
    }
    for (; i < bytes; i++) hash = (hash ^ p[i]) * 0x100000001b3ull;
    return hash;
}

namespace {

// The checksum of a mapped file in 64 MiB windows (a multiple of 8 bytes, so the words line up as in one pass),
// each window's pages handed back once hashed: checking a 70 GB dataset file must not make it all resident.
uint64_t checksum_releasing_pages(const void* map, size_t bytes) {
    constexpr size_t kWindow = size_t(64) << 20;
    const char* p = static_cast<const char*>(map);
    uint64_t hash = 0xcbf29ce484222325ull;
    for (size_t off = 0; off < bytes; off += kWindow) {
        const size_t n = std::min(kWindow, bytes - off);
        hash = fnv1a64_words(p + off, n, hash);
        ::madvise(const_cast<char*>(p + off), n, MADV_DONTNEED);  // a hint: a failure only costs memory
    }
    return hash;
}

const char kMagic[8] = {'M', 'E', 'L', 'G', 'R', 'A', 'D', 'D'};
const uint32_t kVersion = 1;
constexpr uint64_t kMinClipEntryBytes = 12;  // u16 genre, u16 name length, u32 first chunk, u32 chunk count
constexpr uint64_t kChunkEntryBytes = 8;     // u32 clip, u32 start frame

template <class T> void put(std::string& out, T v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

// Reads fields from the mapped bytes, failing with the file's name instead of running off the end.
struct Cursor {
    const unsigned char* base;
    size_t size, pos = 0;
    const std::string& path;
    void need(size_t n) {
        if (n > size - pos) throw std::runtime_error(path + ": truncated dataset file (a table runs past the end)");
    }
    template <class T> T get() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, base + pos, sizeof v);
        pos += sizeof v;
        return v;
    }
    std::string bytes(size_t n) {
        need(n);
        std::string s(reinterpret_cast<const char*>(base + pos), n);
        pos += n;
        return s;
    }
};

}  // namespace

void write_dataset(const std::string& path, const DatasetContents& c) {
    size_t chunk_size = (size_t)c.n_mels * c.chunk_frames;
    if (c.data.size() != c.chunks.size() * chunk_size)
        throw std::logic_error("write_dataset: data size does not match the chunk table");
    std::string text;
    auto header = c.header;
    if (c.genres.size() > 65535) throw std::runtime_error(path + ": more than 65535 classes do not fit the clip table");
    header["genres"] = join_class_names(c.genres);
    for (auto& kv : header) text += kv.first + "=" + kv.second + "\n";
    std::string tables;
    for (auto& clip : c.clips) {
        if (clip.name.size() > 65535) throw std::runtime_error(path + ": clip name longer than 65535 bytes: " + clip.name.substr(0, 200));
        put<uint16_t>(tables, (uint16_t)clip.genre);
        put<uint16_t>(tables, (uint16_t)clip.name.size());
        tables += clip.name;
        put<uint32_t>(tables, clip.first_chunk);
        put<uint32_t>(tables, clip.n_chunks);
    }
    for (auto& ch : c.chunks) {
        put<uint32_t>(tables, ch.clip);
        put<uint32_t>(tables, ch.start_frame);
    }
    std::string head(kMagic, 8);
    put<uint32_t>(head, kVersion);
    put<uint32_t>(head, (uint32_t)c.clips.size());
    put<uint32_t>(head, (uint32_t)c.chunks.size());
    put<uint32_t>(head, (uint32_t)c.n_mels);
    put<uint32_t>(head, (uint32_t)c.chunk_frames);
    put<uint32_t>(head, (uint32_t)text.size());
    size_t data_offset = head.size() + 8 + text.size() + tables.size();
    data_offset = (data_offset + 63) / 64 * 64;
    put<uint64_t>(head, (uint64_t)data_offset);
    head += text;
    head += tables;
    head.resize(data_offset, '\0');

    uint64_t hash = fnv1a64_words(head.data(), head.size());
    // data_offset is a multiple of 8, so hashing the data separately continues the same word stream.
    hash = fnv1a64_words(c.data.data(), c.data.size() * sizeof(float), hash);
    write_file_atomically(path, {ByteSpan{head.data(), head.size()},
                                 ByteSpan{c.data.data(), c.data.size() * sizeof(float)}, ByteSpan{&hash, 8}});
}

namespace {

// The fixed-size header after the magic, each size checked against the file's size and a sane limit before
// anything is allocated from it.
struct HeaderSizes {
    uint32_t n_clips, n_chunks, text_bytes;
    int n_mels, chunk_frames;
    uint64_t data_offset;
};

HeaderSizes read_sizes(Cursor& c, size_t map_bytes) {
    const std::string& path = c.path;
    if (c.bytes(8) != std::string(kMagic, 8)) throw std::runtime_error(path + ": not a melgrad dataset (bad magic)");
    uint32_t version = c.get<uint32_t>();
    if (version != kVersion)
        throw std::runtime_error(path + ": dataset format version " + std::to_string(version) +
                                 ", this melgrad reads version " + std::to_string(kVersion) + " (re-run preprocess)");
    HeaderSizes h;
    h.n_clips = c.get<uint32_t>();
    h.n_chunks = c.get<uint32_t>();
    h.n_mels = (int)c.get<uint32_t>();
    h.chunk_frames = (int)c.get<uint32_t>();
    h.text_bytes = c.get<uint32_t>();
    h.data_offset = c.get<uint64_t>();
    if (h.n_mels <= 0 || h.chunk_frames <= 0 || h.n_mels > 4096 || h.chunk_frames > 65536 || h.data_offset % 64 ||
        h.data_offset > map_bytes - 8)
        throw std::runtime_error(path + ": sizes in the header do not match the file size (truncated or corrupt)");
    // < 2^32 * 2^12 * 2^16 * 4 bytes: no overflow. Every count is checked against the bytes that hold it
    // before a table is allocated (a lying n_clips must not ask for 200 GB).
    const size_t data_bytes = (size_t)h.n_chunks * (size_t)h.n_mels * (size_t)h.chunk_frames * sizeof(float);
    if (data_bytes != map_bytes - h.data_offset - 8)
        throw std::runtime_error(path + ": sizes in the header do not match the file size (truncated or corrupt)");
    const size_t table_bytes = h.data_offset - c.pos;  // header text, clip table and chunk table live here
    if ((uint64_t)h.n_clips * kMinClipEntryBytes + (uint64_t)h.n_chunks * kChunkEntryBytes + h.text_bytes > table_bytes)
        throw std::runtime_error(path + ": the header claims " + std::to_string(h.n_clips) + " clips and " +
                                 std::to_string(h.n_chunks) + " chunks, more than the file's tables hold (corrupt)");
    return h;
}

// The header text: key=value lines.
std::map<std::string, std::string> read_header_text(Cursor& c, uint32_t text_bytes) {
    std::map<std::string, std::string> header;
    std::istringstream text(c.bytes(text_bytes));
    std::string line;
    while (std::getline(text, line)) {
        auto eq = line.find('=');
        if (eq != std::string::npos) header[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return header;
}

std::vector<ClipEntry> read_clip_table(Cursor& c, const HeaderSizes& h, size_t n_genres) {
    std::vector<ClipEntry> clips(h.n_clips);
    for (auto& clip : clips) {
        clip.genre = c.get<uint16_t>();
        clip.name = c.bytes(c.get<uint16_t>());
        clip.first_chunk = c.get<uint32_t>();
        clip.n_chunks = c.get<uint32_t>();
        if (clip.genre >= (int)n_genres || (uint64_t)clip.first_chunk + clip.n_chunks > h.n_chunks)
            throw std::runtime_error(c.path + ": corrupt clip table");
    }
    return clips;
}

std::vector<ChunkEntry> read_chunk_table(Cursor& c, const HeaderSizes& h) {
    std::vector<ChunkEntry> chunks(h.n_chunks);
    for (auto& ch : chunks) {
        ch.clip = c.get<uint32_t>();
        ch.start_frame = c.get<uint32_t>();
        if (ch.clip >= h.n_clips) throw std::runtime_error(c.path + ": corrupt chunk table");
    }
    return chunks;
}

}  // namespace

// Refuses anything but a regular file of at least a header's size, then maps it read-only.
void DatasetFile::map_file() {
    const std::string& path = path_;
    regular_file_size(path);  // a FIFO or a device is refused before it is opened for mapping
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(path + ": cannot open dataset (" + std::strerror(errno) + ")");
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw std::runtime_error(path + ": not a regular file");
    }
    map_bytes_ = (size_t)st.st_size;
    if (map_bytes_ < 48) {
        ::close(fd);
        throw std::runtime_error(path + ": too short to be a melgrad dataset (" + std::to_string(map_bytes_) + " bytes)");
    }
    map_ = mmap(nullptr, map_bytes_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map_ == MAP_FAILED) { map_ = nullptr; throw std::runtime_error(path + ": mmap failed"); }
}

// Map, read the header's sizes, (verify the checksum), read the header text and both tables, (check every value).
DatasetFile::DatasetFile(const std::string& path, bool verify) : path_(path) {
    map_file();
    try {
        Cursor c{static_cast<const unsigned char*>(map_), map_bytes_, 0, path};
        const HeaderSizes h = read_sizes(c, map_bytes_);
        n_mels_ = h.n_mels;
        chunk_frames_ = h.chunk_frames;
        if (verify && checksum_releasing_pages(map_, map_bytes_ - 8) != stored_checksum())
            throw std::runtime_error(path + ": checksum mismatch (the file is corrupt; re-run preprocess)");
        header_ = read_header_text(c, h.text_bytes);
        genres_ = split_class_names(header_value("genres"), path);
        clips_ = read_clip_table(c, h, genres_.size());
        chunks_ = read_chunk_table(c, h);
        if (c.pos > h.data_offset) throw std::runtime_error(path + ": tables overlap the data (corrupt)");
        data_ = reinterpret_cast<const float*>(static_cast<const char*>(map_) + h.data_offset);
        for (size_t i = 0; verify && i < chunks_.size(); i++) {  // every chunk read once, then its pages let go
            check_chunk_finite(i);
            release_chunk(i);
        }
        verified_ = verify;
    } catch (...) {
        munmap(map_, map_bytes_);
        map_ = nullptr;
        throw;
    }
}

// NaN or infinity in a feature would train to NaN weights without a word: refuse the file, naming the chunk.
void DatasetFile::check_chunk_finite(size_t i) const {
    const size_t n = chunk_size();
    const float* x = chunk(i);
    float acc = 0;  // one NaN or infinity makes the sum of x*0 NaN: a cheap test over the whole chunk
    for (size_t k = 0; k < n; k++) acc += x[k] * 0.0f;
    if (acc == acc) return;
    size_t k = 0;
    while (std::isfinite(x[k])) k++;
    throw std::runtime_error(path_ + ": chunk " + std::to_string(i) + " (clip " + clips_[chunks_[i].clip].name +
                             ") holds a non-finite value (" + std::to_string(x[k]) + " at mel band " +
                             std::to_string(k / chunk_frames_) + ", frame " + std::to_string(k % chunk_frames_) +
                             "): the features are broken, re-run preprocess");
}

// Every page the chunk touches, and the neighbours' pages that came with them: on a fault Linux maps the
// pages already in the page cache around the faulting one too ("fault-around", 64 KiB by default), so the
// range is widened to 64 KiB boundaries (a large folio in the page cache can map more: a few MiB may stay). The mapping is read-only: a dropped page holds nothing that the file
// does not, and a later read maps it again.
void DatasetFile::release_chunk(size_t i) const {
    const uintptr_t block = 64 * 1024;  // fault_around_bytes; a multiple of the page size
    const uintptr_t map_begin = (uintptr_t)map_, map_end = map_begin + map_bytes_;
    const uintptr_t begin = std::max(map_begin, (uintptr_t)chunk(i) / block * block);
    const uintptr_t end = std::min(map_end, ((uintptr_t)(chunk(i) + chunk_size()) + block - 1) / block * block);
    if (end > begin) madvise((void*)begin, end - begin, MADV_DONTNEED);
}

DatasetFile::~DatasetFile() {
    if (map_) munmap(map_, map_bytes_);
}

uint64_t DatasetFile::stored_checksum() const {
    uint64_t stored;
    std::memcpy(&stored, static_cast<const char*>(map_) + map_bytes_ - 8, 8);
    return stored;
}

std::string DatasetFile::header_value(const std::string& key, const std::string& fallback) const {
    auto it = header_.find(key);
    return it == header_.end() ? fallback : it->second;
}

}  // namespace melgrad::gtzan
