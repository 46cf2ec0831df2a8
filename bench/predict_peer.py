#!/usr/bin/env python3
"""The peer of `melgrad bench-predict`: the same end-to-end work with PyTorch + torchaudio.
decode (scipy for WAV, torchaudio for MP3) -> resample to 22050 Hz -> torchaudio MelSpectrogram (n_fft 2048,
hop 512, 128 Slaney mels) -> dB (ref=max, top_db 80) -> 128-frame chunks -> the paper CNN (eval mode).
usage: predict_peer.py CLIP.wav SONG.mp3 THREADS REPS      prints "ms/clip: X" and "ms/song: Y" (or a reason)."""
import statistics
import sys
import time

import numpy as np
import scipy.io.wavfile
import torch
import torchaudio
from paper_cnn_torch import paper_cnn




mel = torchaudio.transforms.MelSpectrogram(sample_rate=22050, n_fft=2048, hop_length=512, n_mels=128, power=2.0,
                                           norm="slaney", mel_scale="slaney", pad_mode="constant")
model = paper_cnn().eval()


def load(path):
    if path.endswith(".wav"):
        sr, y = scipy.io.wavfile.read(path)
        y = torch.from_numpy(y.astype(np.float32) / 32768.0)
    else:
        y, sr = torchaudio.load(path)
        y = y.mean(0)
    if sr != 22050:
        y = torchaudio.functional.resample(y, sr, 22050)
    return y


def predict(path):
    with torch.no_grad():
        y = load(path)
        S = mel(y)
        S_db = 10 * torch.log10(torch.clamp(S, min=1e-10)) - 10 * torch.log10(torch.clamp(S.max(), min=1e-10))
        S_db = torch.clamp(S_db, min=S_db.max() - 80)
        x = 1 + S_db / 80
        n = x.shape[1] // 128
        chunks = x[:, : n * 128].reshape(128, n, 128).permute(1, 0, 2).unsqueeze(1).contiguous()
        return torch.softmax(model(chunks), 1).mean(0)


def median_ms(path, reps):
    predict(path)
    t = []
    for _ in range(reps):
        s = time.perf_counter()
        predict(path)
        t.append((time.perf_counter() - s) * 1000)
    return statistics.median(t)


clip, song, threads, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
print(f"ms/clip: {median_ms(clip, reps):.2f}")
try:
    print(f"ms/song: {median_ms(song, max(3, reps // 5)):.2f}")
except Exception as e:  # torchaudio without an MP3 backend
    print(f"ms/song: skipped ({type(e).__name__}: {e})")
