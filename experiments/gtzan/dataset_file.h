// The dataset file (.mgd): every chunk of every clip, ready to train on, in one memory-mappable file.
//
// Layout, little-endian, version 1:
//   offset 0  char[8]   magic "MELGRADD"
//             u32       version (1)
//             u32       n_clips
//             u32       n_chunks
//             u32       n_mels            (chunk height)
//             u32       chunk_frames      (chunk width)
//             u32       header_bytes      length of the text header below
//             u64       data_offset       where the float32 data starts (a multiple of 64)
//             char[header_bytes]   "key=value\n" lines: the parameters (sample_rate, n_fft, hop_length,
//                                  n_mels, scale, ...), genres=blues,classical,... (the class names,
//                                  escaped as in experiments/gtzan/class_names.h), synthetic=0|1,
//                                  source=..., fingerprint=... (hash of the inputs and parameters);
//                                  for other than GTZAN also layout=folders, and offset=, duration=, max_chunks_per_clip= when preprocessing set them
//             n_clips x { u16 genre, u16 name_bytes, char[name_bytes] name ("blues/blues.00012.wav"),
//                         u32 first_chunk, u32 n_chunks }
//             n_chunks x { u32 clip, u32 start_frame }
//             zero padding up to data_offset
//   data_offset  float32 [n_chunks][n_mels][chunk_frames]     (row-major; mel band 0 = lowest frequency)
//             u64       checksum: FNV-1a (64-bit) over every preceding byte, taken 8 bytes at a time
//
// Reading refuses anything but a regular file, maps it (mmap), checks every size against the file's size
// and the checksum before anything else is allocated, and (with the checksum) refuses NaN or infinite
// features; every problem is an error that names the file.
//
// Bigger than memory: the mapping reads a chunk's pages only when a chunk is used, and release_chunk() gives
// them back, so training touches only the chunks of its batches (a data-parallel rank: its shard of them).
// The checksum is the one pass that reads the whole file: verify_checksum=false (melgrad train
// --no-checksum) skips it, and gather_batch() then checks each chunk for NaN or infinity as it reads it.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace melgrad::gtzan {

struct ClipEntry {
    int genre = 0;           // the class: an index into the dataset's genres (class names)
    std::string name;        // "blues/blues.00012.wav": class folder / path below it
    uint32_t first_chunk = 0, n_chunks = 0;
};

struct ChunkEntry {
    uint32_t clip = 0, start_frame = 0;
};

// Everything a dataset holds, built in memory by preprocessing and then written.
struct DatasetContents {
    std::map<std::string, std::string> header;  // parameters and provenance
    std::vector<std::string> genres;  // the class names (GTZAN's ten genres, or your own folders' names)
    std::vector<ClipEntry> clips;
    std::vector<ChunkEntry> chunks;
    int n_mels = 128, chunk_frames = 128;
    std::vector<float> data;  // n_chunks * n_mels * chunk_frames
};

// Writes atomically (PATH.tmp, then rename).
void write_dataset(const std::string& path, const DatasetContents& contents);

// A read-only, memory-mapped dataset.
class DatasetFile {
public:
    explicit DatasetFile(const std::string& path, bool verify_checksum = true);
    ~DatasetFile();
    DatasetFile(const DatasetFile&) = delete;
    DatasetFile& operator=(const DatasetFile&) = delete;

    const std::string& path() const { return path_; }
    const std::map<std::string, std::string>& header() const { return header_; }
    std::string header_value(const std::string& key, const std::string& fallback = "") const;
    bool synthetic() const { return header_value("synthetic") == "1"; }
    const std::vector<std::string>& genres() const { return genres_; }
    const std::vector<ClipEntry>& clips() const { return clips_; }
    const std::vector<ChunkEntry>& chunks() const { return chunks_; }
    int n_mels() const { return n_mels_; }
    int chunk_frames() const { return chunk_frames_; }
    size_t chunk_size() const { return (size_t)n_mels_ * chunk_frames_; }
    const float* chunk(size_t i) const { return data_ + i * chunk_size(); }
    int label(size_t chunk_index) const { return clips_[chunks_[chunk_index].clip].genre; }
    // The checksum stored at the end of the file (read, not recomputed): a fingerprint of the whole file.
    uint64_t stored_checksum() const;
    // Whether the constructor checked the checksum and every value (verify_checksum = true).
    bool verified() const { return verified_; }
    // Chunk i holds only finite values, or std::runtime_error naming the file, the chunk and the clip.
    void check_chunk_finite(size_t i) const;
    // Chunk i's pages leave this process's resident memory (the page cache keeps them while memory lasts).
    void release_chunk(size_t i) const;

private:
    void map_file();  // the constructor's first step
    std::string path_;
    std::map<std::string, std::string> header_;
    std::vector<std::string> genres_;
    std::vector<ClipEntry> clips_;
    std::vector<ChunkEntry> chunks_;
    int n_mels_ = 0, chunk_frames_ = 0;
    const float* data_ = nullptr;
    void* map_ = nullptr;
    size_t map_bytes_ = 0;
    bool verified_ = false;
};

uint64_t fnv1a64_words(const void* data, size_t bytes, uint64_t hash = 0xcbf29ce484222325ull);

}  // namespace melgrad::gtzan
