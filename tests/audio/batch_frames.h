// One batch of RealFftPowerBatch::kLanes random frames of size n, in the two layouts the batched FFT packs
// differently: `overlapping` = consecutive frames of one signal at hop n/4 (librosa's default hop), `apart`
// = the same frames copied into separate buffers; plus a random window. Shared by the FFT tests.
#pragma once
#include <vector>

#include "audio/fft.h"
#include "framework/rng.h"

struct BatchFrames {
    static constexpr int L = melgrad::audio::RealFftPowerBatch::kLanes;
    std::vector<float> signal, window;
    std::vector<std::vector<float>> copies;
    const float* overlapping[L];
    const float* apart[L];

    BatchFrames(int n, melgrad::Rng& rng) : signal(size_t(L - 1) * (n / 4) + n), window(n), copies(L) {
        for (auto& v : signal) v = float(rng.normal());
        for (auto& w : window) w = float(rng.uniform());
        for (int l = 0; l < L; ++l) {
            overlapping[l] = signal.data() + size_t(l) * (n / 4);
            copies[l].assign(overlapping[l], overlapping[l] + n);
            apart[l] = copies[l].data();
        }
    }
    BatchFrames(const BatchFrames&) = delete;  // the pointers point into this object
};
