#!/usr/bin/python3
"""How hard is the synthetic GTZAN set? A throwaway-sized check, not part of `make test`.

  /usr/bin/python3 tests/tools/synth_learnability.py DIR [--folds 4] [--epochs 12] [--max-folds N] [--no-cnn]

DIR is the output of `melgrad synth-gtzan`. Computes log-mel spectrograms (n_fft 2048, hop 512, 128 mels, as the
paper), cuts 128-frame chunks, splits by CLIP (k folds, stratified), and reports chunk and clip accuracy of
  (a) logistic regression on each chunk's per-mel mean and std, and
  (b) a small CNN (3 conv blocks) on the 1x128x128 chunks; a clip's prediction averages its chunks' logits.
Needs numpy (and torch for the CNN; --no-cnn without it). Debian's /usr/bin/python3 has both.
"""
import argparse, glob, os, sys, time
import numpy as np
import wave
import torch
import torch.nn as nn

GENRES = "blues classical country disco hiphop jazz metal pop reggae rock".split()


def mel_filters(sr, n_fft, n_mels):
    hz_to_mel = lambda f: 2595.0 * np.log10(1.0 + f / 700.0)
    mel_to_hz = lambda m: 700.0 * (10 ** (m / 2595.0) - 1.0)
    pts = mel_to_hz(np.linspace(hz_to_mel(0), hz_to_mel(sr / 2), n_mels + 2))
    freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    fb = np.zeros((n_mels, len(freqs)), np.float32)
    for m in range(n_mels):
        lo, c, hi = pts[m], pts[m + 1], pts[m + 2]
        fb[m] = np.maximum(0, np.minimum((freqs - lo) / (c - lo), (hi - freqs) / (hi - c)))
    return fb


def logmel(x, sr, fb, n_fft=2048, hop=512):
    x = np.pad(x, n_fft // 2, mode="reflect")
    n = 1 + (len(x) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(n)[:, None]
    spec = np.abs(np.fft.rfft(x[idx] * np.hanning(n_fft + 1)[:-1], axis=1)) ** 2
    mel = fb @ spec.T
    db = 10 * np.log10(np.maximum(mel, 1e-10))
    return np.maximum(db, db.max() - 80.0)  # top_db 80


def load(dirname):
    X, y, clip = [], [], []
    fb = None
    files = []
    for g, name in enumerate(GENRES):
        files += [(g, f) for f in sorted(glob.glob(os.path.join(dirname, "genres_original", name, "*.wav")))]
    for ci, (g, f) in enumerate(files):
        with wave.open(f) as w:  # synth-gtzan writes 16-bit mono PCM
            sr, x = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), "<i2")
        x = x.astype(np.float32) / 32768.0
        if fb is None:
            fb = mel_filters(sr, 2048, 128)
        m = logmel(x, sr, fb)
        m = (m - m.min()) / max(1e-6, m.max() - m.min())  # max-normalised to [0, 1]
        for s in range(0, m.shape[1] - 127, 128):
            X.append(m[:, s:s + 128]); y.append(g); clip.append(ci)
    return np.stack(X).astype(np.float32), np.array(y), np.array(clip)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        blocks, c = [], 1
        for out in (16, 32, 64):
            blocks += [nn.Conv2d(c, out, 3, padding=1), nn.BatchNorm2d(out), nn.ReLU(), nn.MaxPool2d(4 if out < 64 else 2)]
            c = out
        self.features = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(64, 10))

    def forward(self, x):
        return self.head(self.features(x))


def train_eval(model, Xtr, ytr, Xte, epochs, lr, batch=32, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    Xtr_t, ytr_t = torch.from_numpy(Xtr), torch.from_numpy(ytr).long()
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(Xtr_t))
        for i in range(0, len(perm), batch):
            b = perm[i:i + batch]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(Xtr_t[b]), ytr_t[b])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        return torch.cat([model(torch.from_numpy(Xte[i:i + 256])) for i in range(0, len(Xte), 256)]).numpy()


def accuracies(logits, y, clip):
    chunk = float((logits.argmax(1) == y).mean())
    right = []
    for c in np.unique(clip):
        m = clip == c
        right.append(logits[m].mean(0).argmax() == y[m][0])
    return chunk, float(np.mean(right))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--no-cnn", action="store_true")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--max-folds", type=int, default=0, help="evaluate only the first N folds (0: all)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    t0 = time.time()
    X, y, clip = load(args.dir)
    print(f"{len(X)} chunks from {len(np.unique(clip))} clips, features in {time.time() - t0:.1f} s")
    # Stratified clip folds: the k-th clip of each genre goes to fold k % folds.
    clip_genre = {c: y[clip == c][0] for c in np.unique(clip)}
    rank = {}
    for g in range(10):
        for k, c in enumerate(sorted(c for c in clip_genre if clip_genre[c] == g)):
            rank[c] = k % args.folds
    fold = np.array([rank[c] for c in clip])
    results = {"logreg": [], "cnn": []}
    conf = np.zeros((10, 10), int)
    for f in range(args.max_folds or args.folds):
        tr, te = fold != f, fold == f
        feats = np.concatenate([X.mean(2), X.std(2)], 1)
        mu, sd = feats[tr].mean(0), feats[tr].std(0) + 1e-6
        F = ((feats - mu) / sd).astype(np.float32)
        lin = nn.Linear(F.shape[1], 10)
        lg = train_eval(lin, F[tr], y[tr], F[te], epochs=60, lr=3e-3, seed=f)
        results["logreg"].append(accuracies(lg, y[te], clip[te]))
        if not args.no_cnn:
            t1 = time.time()
            cl = train_eval(SmallCNN(), X[tr][:, None], y[tr], X[te][:, None], epochs=args.epochs, lr=args.lr, seed=f)
            results["cnn"].append(accuracies(cl, y[te], clip[te]))
            for c in np.unique(clip[te]):
                m = clip[te] == c
                conf[y[te][m][0], cl[m].mean(0).argmax()] += 1
            print(f"fold {f}: logreg chunk/clip {results['logreg'][-1]}, cnn chunk/clip {results['cnn'][-1]} "
                  f"({time.time() - t1:.0f} s)", flush=True)
    for k, v in results.items():
        if v:
            v = np.array(v)
            print(f"{k:7s}: chunk accuracy {v[:, 0].mean():.3f}, clip accuracy {v[:, 1].mean():.3f} (mean of {len(v)} folds)")
    if not args.no_cnn:
        print("CNN clip confusion (rows true, cols predicted):")
        print("          " + " ".join(f"{g[:4]:>4s}" for g in GENRES))
        for g in range(10):
            print(f"{GENRES[g]:>9s} " + " ".join(f"{v:4d}" for v in conf[g]))


if __name__ == "__main__":
    main()
