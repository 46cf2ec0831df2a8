// The batched fast path of the STFT (included by stft.h; a template because the consumer of each batch
// of power spectra, e.g. the mel filterbank, is inlined into the loop).
#pragma once
#include <omp.h>

#include <algorithm>
#include <vector>

#include "audio/fft.h"

namespace melgrad::audio {

template <class Fn>
void for_each_power_batch(const float* y, size_t n, const StftParams& p, int threads, Fn&& fn) {
    check_stft_params(p);
    const int frames = stft_frames(n, p);
    if (frames <= 0) return;
    constexpr int L = RealFftPowerBatch::kLanes;
    const int win = p.win_length > 0 ? p.win_length : p.n_fft;
    const PowerBatchPlan& plan = power_batch_plan(p.n_fft, win);
    const std::vector<float>& window = plan.window;
    const RealFftPowerBatch& fft = plan.fft;
    const PaddedFrames src(y, n, p);
    const std::vector<float> zeros(p.n_fft, 0.0f);  // stands in for the missing frames of the last batch
    const int batches = (frames + L - 1) / L;
    threads = std::min(threads, omp_get_num_procs());  // more threads than cores only costs (100000 overflow libgomp)
#pragma omp parallel num_threads(std::max(1, threads)) if (threads > 1)
    {
        std::vector<float> work(fft.work_floats());
        std::vector<float> power_floats(size_t(fft.bins()) * L + 15);
        float* power = cache_line_aligned(power_floats.data());
        const float* ptrs[L];
#pragma omp for schedule(dynamic, 2)
        for (int b = 0; b < batches; ++b) {
            const int f0 = b * L, count = std::min(L, frames - f0);
            for (int l = 0; l < L; ++l)
                ptrs[l] = l < count ? src.frame(f0 + l) : zeros.data();
            fft.power(ptrs, window.data(), power, work.data());
            fn(f0, count, power);
        }
    }
}

}  // namespace melgrad::audio
