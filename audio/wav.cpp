#include "audio/wav.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "audio/file_bytes.h"  // le16/le32/be32
#include "audio/sample_format.h"

namespace melgrad::audio {

namespace {

std::string chunk_id(const uint8_t* p) {
    std::string s(reinterpret_cast<const char*>(p), 4);
    for (char& c : s)
        if (c < 32 || c > 126) c = '?';
    return s;
}

std::string hex16(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04X", v);
    return buf;
}

// The GUID tail shared by all KSDATAFORMAT_SUBTYPE_* (PCM, IEEE_FLOAT, ...): xxxxxxxx-0000-0010-8000-00AA00389B71
const uint8_t kGuidTail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

}  // namespace

bool looks_like_wav(const uint8_t* d, size_t n) {
    return n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WAVE", 4) == 0;
}

PcmLayout wav_layout(const uint8_t* d, size_t n, const std::string& name) {
    auto fail = [&](const std::string& what) { return std::runtime_error(name + ": WAV: " + what); };
    if (n < 12) throw fail("truncated header (" + std::to_string(n) + " bytes; a WAV file starts with 12)");
    if (std::memcmp(d, "RIFX", 4) == 0 || std::memcmp(d, "RF64", 4) == 0)
        throw fail("unsupported container '" + chunk_id(d) + "' (only little-endian RIFF WAVE)");
    if (!looks_like_wav(d, n)) throw fail("not a RIFF/WAVE file (no 'RIFF'...'WAVE' header)");
    // The RIFF size field is not trusted: many writers get it wrong. The real file size bounds everything.
    const uint8_t* fmt = nullptr;
    size_t fmt_size = 0, data_off = 0, data_size = 0;
    bool have_data = false;
    size_t off = 12;
    while (off < n) {
        if (n - off < 8) {
            if (have_data && fmt) break;  // a few stray trailing bytes after the chunks we need
            throw fail("truncated chunk header at byte " + std::to_string(off));
        }
        const std::string id = chunk_id(d + off);
        const size_t size = le32(d + off + 4);
        const size_t avail = n - off - 8;
        if (size > avail) {
            if (id == "data")
                throw fail("data chunk claims " + std::to_string(size) + " bytes but only " + std::to_string(avail) +
                           " remain in the file (truncated or lying header)");
            if (have_data && fmt) break;  // a damaged chunk after the audio, e.g. a cut-off LIST: audio is complete
            throw fail("chunk '" + id + "' claims " + std::to_string(size) + " bytes but only " +
                       std::to_string(avail) + " remain in the file");
        }
        if (id == "fmt ") {
            fmt = d + off + 8;
            fmt_size = size;
        } else if (id == "data") {
            data_off = off + 8;
            data_size = size;
            have_data = true;
        }
        off += 8 + size + (size & 1);  // chunks are padded to an even number of bytes
    }
    if (!fmt) throw fail("no 'fmt ' chunk");
    if (!have_data) throw fail("no 'data' chunk");
    if (fmt_size < 16) throw fail("'fmt ' chunk is " + std::to_string(fmt_size) + " bytes, needs at least 16");
    unsigned tag = le16(fmt);
    const int channels = le16(fmt + 2);
    const uint32_t rate = le32(fmt + 4);
    const int bits = le16(fmt + 14);
    if (tag == 0xFFFE) {  // WAVE_FORMAT_EXTENSIBLE: cbSize, valid bits, channel mask, sub-format GUID
        if (fmt_size < 40) throw fail("WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is " + std::to_string(fmt_size) + " bytes, needs 40");
        if (std::memcmp(fmt + 26, kGuidTail, 14) != 0) throw fail("WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID");
        tag = le16(fmt + 24);
    }
    if (channels == 0) throw fail("zero channels");
    if (rate == 0 || rate > 10000000) throw fail("invalid sample rate " + std::to_string(rate));
    SampleFormat sf;
    if (tag == 1 && bits == 8) sf = SampleFormat::U8;
    else if (tag == 1 && bits == 16) sf = SampleFormat::S16;
    else if (tag == 1 && bits == 24) sf = SampleFormat::S24;
    else if (tag == 1 && bits == 32) sf = SampleFormat::S32;
    else if (tag == 3 && bits == 32) sf = SampleFormat::F32;
    else if (tag == 3 && bits == 64) sf = SampleFormat::F64;
    else
        throw fail("unsupported encoding: format tag " + hex16(tag) + " with " + std::to_string(bits) +
                   " bits (supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit)");
    PcmLayout layout;
    layout.sample_rate = int(rate);
    layout.channels = channels;
    layout.format = sf;
    layout.big_endian = false;
    layout.data_offset = data_off;
    layout.frames = data_size / layout.frame_bytes();  // data_size fits in the file: checked above
    return layout;
}

PcmAudio parse_wav(const uint8_t* d, size_t n, const std::string& name) { return decode_pcm(d, wav_layout(d, n, name)); }

}  // namespace melgrad::audio
