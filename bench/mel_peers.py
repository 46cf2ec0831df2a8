#!/usr/bin/env python3
"""Time one peer's mel spectrogram of a 30 s clip at the paper's settings, single-threaded.

    python3 bench/mel_peers.py librosa|torchaudio|numpy [--reps N]

Prints 'PEER ms/clip: X' (the median) or 'PEER: skipped (reason)'. Same settings as `melgrad bench-mel`:
n_fft 2048, hop 512, 128 mels, Slaney scale and norm, periodic Hann, center=True, pad_mode 'constant', power 2.
"""
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

SR, N = 22050, 30 * 22050


def clip():
    t = np.arange(N) / SR
    rng = np.random.default_rng(0)
    y = (0.3 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 1234.5 * t) + 0.1 * np.sin(2 * np.pi * 5000 * t)
         + 0.1 * np.sin(2 * np.pi * (100 + 150 * t) * t) + 0.01 * rng.standard_normal(N))
    return y.astype(np.float32)


def timed(fn, reps):
    fn()
    fn()
    ms = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(ms))


def main():
    peer = sys.argv[1]
    reps = int(sys.argv[sys.argv.index("--reps") + 1]) if "--reps" in sys.argv else 20
    y = clip()
    try:
        if peer == "librosa":
            import librosa
            version = librosa.__version__
            fn = lambda: librosa.feature.melspectrogram(y=y, sr=SR, n_fft=2048, hop_length=512, n_mels=128,
                                                        pad_mode="constant", norm="slaney", htk=False)
        elif peer == "torchaudio":
            import torch
            import torchaudio
            torch.set_num_threads(1)
            version = torchaudio.__version__
            mel = torchaudio.transforms.MelSpectrogram(sample_rate=SR, n_fft=2048, hop_length=512, n_mels=128,
                                                       norm="slaney", mel_scale="slaney", pad_mode="constant",
                                                       center=True, power=2.0)
            yt = torch.from_numpy(y)

            def fn():
                with torch.no_grad():
                    return mel(yt)
        elif peer == "numpy":  # plain numpy rfft + dense filterbank: the "obvious" vectorised way
            version = np.__version__
            import librosa
            fb = librosa.filters.mel(sr=SR, n_fft=2048, n_mels=128)
            win = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(2048) / 2048)).astype(np.float32)

            def fn():
                yp = np.pad(y, 1024)
                frames = np.lib.stride_tricks.sliding_window_view(yp, 2048)[::512]
                spec = np.fft.rfft(frames * win, axis=1)
                return fb @ (spec.real ** 2 + spec.imag ** 2).T
        else:
            raise SystemExit(f"unknown peer {peer}")
    except ImportError as e:
        print(f"{peer}: skipped ({e})")
        return
    print(f"{peer} {version} ms/clip: {timed(fn, reps):.3f}")


if __name__ == "__main__":
    main()
