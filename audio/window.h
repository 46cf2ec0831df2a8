// Analysis windows for the STFT.
#pragma once
#include <vector>

namespace melgrad::audio {

// Periodic Hann window of win_length samples (scipy.signal.get_window('hann', N, fftbins=True), what
// librosa uses):  w[n] = 0.5 - 0.5 cos(2 pi n / N),  n = 0..N-1.
// "Periodic" means one period of the cosine spans exactly N samples, so overlapped windows at hop N/4
// (or N/2) add up to a constant. When win_length < n_fft the window is centred in n_fft zeros
// (librosa.util.pad_center).
std::vector<float> hann_window(int win_length, int n_fft);

}  // namespace melgrad::audio
