#include "audio/pcm_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "audio/au.h"
#include "audio/file_bytes.h"
#include "audio/wav.h"

namespace melgrad::audio {

namespace {

// A WAV or AU file, mapped read-only. The map costs address space, not memory: a page is read from disk
// when a block first touches it, and given back (madvise DONTNEED) once its block is converted, so the
// resident memory stays a few blocks whatever the file's length.
class MappedPcmSource : public PcmSource {
public:
    // `size` was checked by check_audio_file (a regular, non-empty file within the size limit); the file is
    // opened without blocking and checked again, in case it was swapped for a FIFO or cut meanwhile.
    MappedPcmSource(const std::string& path, size_t size) : path_(path), size_(size) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) throw std::runtime_error(path + ": cannot open (" + std::strerror(errno) + ")");
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || size_t(st.st_size) != size) {
            ::close(fd);
            throw std::runtime_error(path + ": changed while it was being opened");
        }
        void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        ::close(fd);  // the map keeps the file
        if (map == MAP_FAILED) throw std::runtime_error(path + ": cannot map the file (" + std::strerror(errno) + ")");
        bytes_ = static_cast<const uint8_t*>(map);
    }
    ~MappedPcmSource() override { ::munmap(const_cast<uint8_t*>(bytes_), size_); }

    // Recognises the file by its first bytes; false: not WAV or AU (try another decoder).
    bool parse_header() {
        const bool riff = size_ >= 4 && std::memcmp(bytes_, "RIFF", 4) == 0;
        if (looks_like_wav(bytes_, size_) || riff) layout_ = wav_layout(bytes_, size_, path_);
        else if (looks_like_au(bytes_, size_)) layout_ = au_layout(bytes_, size_, path_);
        else return false;
        sample_rate_ = layout_.sample_rate;
        channels_ = layout_.channels;
        encoding_ = sample_format_name(layout_.format);
        return true;
    }

    size_t read(float* out, size_t max_frames) override {
        const size_t n = std::min(max_frames, layout_.frames - next_frame_);
        const uint8_t* first = bytes_ + layout_.data_offset + next_frame_ * layout_.frame_bytes();
        convert_samples(first, n * size_t(channels_), layout_.format, layout_.big_endian, out);
        next_frame_ += n;
        release_pages_before(first + n * layout_.frame_bytes());
        return n;
    }

private:
    void release_pages_before(const uint8_t* end) {
        const uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
        const uintptr_t from = uintptr_t(bytes_), to = uintptr_t(end) / page * page;
        if (to > from) ::madvise(const_cast<uint8_t*>(bytes_), to - from, MADV_DONTNEED);  // a hint: result unused
    }
    std::string path_;
    size_t size_;
    const uint8_t* bytes_ = nullptr;
    PcmLayout layout_;
    size_t next_frame_ = 0;
};

}  // namespace

std::unique_ptr<PcmSource> open_pcm(const std::string& path) {
    const size_t size = check_audio_file(path);  // missing, folder, FIFO, device, empty, too large: refused
    auto mapped = std::make_unique<MappedPcmSource>(path, size);
    if (mapped->parse_header()) return mapped;
    return open_with_sndfile(path);
}

}  // namespace melgrad::audio
