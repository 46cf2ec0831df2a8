#!/usr/bin/env bash
# Mel spectrogram of a 30 s clip at the paper's settings, one thread: melgrad against librosa and torchaudio
# (norm='slaney', mel_scale='slaney', pad_mode='constant'). Prints each median ms/clip and the ratios.
# librosa comes from the PyPI python (`python3 -m pip install librosa`), torchaudio from Debian's
# /usr/bin/python3 (apt: python3-torchaudio); a peer that is not installed is reported and skipped.
# Last line: the preprocessing rate of a whole data set on all cores (decode + mel + dB + chunks).
set -u
cd "$(dirname "$0")/.."
REPS=${REPS:-30}
ours=$(OMP_NUM_THREADS=1 build/melgrad bench-mel --threads 1 --reps "$REPS" | sed -n 's/^ms\/clip: //p')
echo "melgrad ms/clip: $ours"
run_peer() {  # $1 = python, $2 = peer
    if ! command -v "$1" >/dev/null; then echo "$2: skipped ($1 not found)"; return; fi
    line=$("$1" bench/mel_peers.py "$2" --reps "$REPS" 2>/dev/null | tail -1)
    [ -z "$line" ] && line="$2: skipped (failed to run with $1)"
    echo "$line"
    ms=$(echo "$line" | sed -n 's/.*ms\/clip: //p')
    if [ -n "$ms" ]; then
        awk -v p="$ms" -v o="$ours" -v n="$2" 'BEGIN { printf "  ratio %s / melgrad: %.1fx\n", n, p / o }'
    fi
}
run_peer python3 librosa
if python3 -c 'import torchaudio' 2>/dev/null; then run_peer python3 torchaudio; else run_peer /usr/bin/python3 torchaudio; fi
run_peer python3 numpy
# The whole preprocessing (read a 30 s 16-bit .au, mel, dB, chunks), one clip per thread, all cores.
build/melgrad bench-mel --pipeline --threads "$(nproc)" --reps 3 | grep '^pipeline'
