#include "audio/pcm.h"

namespace melgrad::audio {

PcmAudio decode_pcm(const uint8_t* file, const PcmLayout& layout) {
    PcmAudio out;
    out.sample_rate = layout.sample_rate;
    out.channels = layout.channels;
    out.encoding = sample_format_name(layout.format);
    out.interleaved.resize(layout.frames * size_t(layout.channels));  // the layout's frames fit in the file
    convert_samples(file + layout.data_offset, out.interleaved.size(), layout.format, layout.big_endian,
                    out.interleaved.data());
    return out;
}

}  // namespace melgrad::audio
