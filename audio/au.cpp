#include "audio/au.h"

#include <cstring>
#include <stdexcept>

#include "audio/file_bytes.h"  // le16/le32/be32
#include "audio/sample_format.h"

namespace melgrad::audio {

bool looks_like_au(const uint8_t* d, size_t n) { return n >= 4 && std::memcmp(d, ".snd", 4) == 0; }

PcmLayout au_layout(const uint8_t* d, size_t n, const std::string& name) {
    auto fail = [&](const std::string& what) { return std::runtime_error(name + ": AU: " + what); };
    if (n < 24) throw fail("truncated header (" + std::to_string(n) + " bytes; an AU header has 24)");
    if (!looks_like_au(d, n)) throw fail("not a Sun .au file (no '.snd' magic)");
    const size_t offset = be32(d + 4), size_field = be32(d + 8);
    const uint32_t encoding = be32(d + 12), rate = be32(d + 16), channels = be32(d + 20);
    if (offset < 24 || offset > n)
        throw fail("data offset " + std::to_string(offset) + " is outside the file (" + std::to_string(n) + " bytes)");
    size_t data_size = n - offset;
    if (size_field != 0xFFFFFFFFu) {  // 0xFFFFFFFF: size unknown, data runs to the end of the file
        if (size_field > data_size)
            throw fail("data size " + std::to_string(size_field) + " runs past the end of the file (" +
                       std::to_string(data_size) + " bytes after the header)");
        data_size = size_field;
    }
    if (channels == 0) throw fail("zero channels");
    if (channels > 65535) throw fail("implausible channel count " + std::to_string(channels));
    if (rate == 0 || rate > 10000000) throw fail("invalid sample rate " + std::to_string(rate));
    SampleFormat sf;
    switch (encoding) {
        case 1: sf = SampleFormat::MuLaw; break;
        case 2: sf = SampleFormat::S8; break;
        case 3: sf = SampleFormat::S16; break;
        case 4: sf = SampleFormat::S24; break;
        case 5: sf = SampleFormat::S32; break;
        case 6: sf = SampleFormat::F32; break;
        case 7: sf = SampleFormat::F64; break;
        case 27: sf = SampleFormat::ALaw; break;
        default:
            throw fail("unsupported encoding " + std::to_string(encoding) +
                       " (supported: 1 mu-law, 2/3/4/5 linear 8/16/24/32-bit, 6 float, 7 double, 27 A-law)");
    }
    PcmLayout layout;
    layout.sample_rate = int(rate);
    layout.channels = int(channels);
    layout.format = sf;
    layout.big_endian = true;
    layout.data_offset = offset;
    layout.frames = data_size / layout.frame_bytes();  // bounded by the bytes actually in the file
    return layout;
}

PcmAudio parse_au(const uint8_t* d, size_t n, const std::string& name) { return decode_pcm(d, au_layout(d, n, name)); }

}  // namespace melgrad::audio
