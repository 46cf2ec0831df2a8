// Writing mono 16-bit PCM WAV files (the format GTZAN ships in), without any library.
//
//   write_wav_pcm16("out.wav", samples, 22050);
//
// Layout written (all integers little-endian, 44-byte header):
//   "RIFF" <36 + data bytes> "WAVE"
//   "fmt " <16> <format 1 = PCM> <channels 1> <sample_rate> <byte_rate = 2*sr> <block_align 2> <bits 16>
//   "data" <2 * n> then n int16 samples.
// Each float sample is clipped to [-1, 1] and mapped to int16 as lround(x * 32767): round half away from zero,
// so 1.0 -> 32767, -1.0 -> -32767, 0.5 -> 16384 (0.5*32767 = 16383.5 rounds away from zero). -32768 is never
// written, which keeps the mapping symmetric. NaN is written as 0.
// The file is written to "<path>.tmp.<pid>" and renamed over <path>, so a reader never sees half a file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace melgrad::audio {

// The int16 value written for one float sample (clip to [-1, 1], lround(x * 32767)).
int16_t float_to_pcm16(float x);

// Throws std::runtime_error naming `path` when the file cannot be written (or sample_rate <= 0).
void write_wav_pcm16(const std::string& path, const std::vector<float>& samples, int sample_rate);

}  // namespace melgrad::audio
