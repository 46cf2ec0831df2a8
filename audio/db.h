// Decibels and normalisation of a (mel) power spectrogram.
#pragma once
#include <vector>

namespace melgrad::audio {

enum class DbRef { One, Max };  // ref = 1.0 or ref = np.max

// librosa.power_to_db:  S_db = 10 log10(max(amin, S)) - 10 log10(max(amin, ref)),
// then, when top_db > 0, clipped from below at max(S_db) - top_db (an 80 dB range by default).
std::vector<float> power_to_db(const std::vector<float>& S, DbRef ref = DbRef::One, float amin = 1e-10f,
                               float top_db = 80.0f);

// Max-normalisation: S / max(S), so the loudest cell is 1 (a silent S, all zero, is left as it is).
// This is the paper's "max normalized" for a power spectrogram.
void normalize_max(std::vector<float>& S);

// A dB spectrogram with ref=max lies in [-top_db, 0]; this maps it linearly to [0, 1]: 1 + S_db / top_db.
void db_to_unit(std::vector<float>& S_db, float top_db = 80.0f);

}  // namespace melgrad::audio
