#!/usr/bin/env bash
# Mel spectrogram of a 30 s clip at the paper's settings, one thread: melgrad against librosa and torchaudio
# (norm='slaney', mel_scale='slaney', pad_mode='constant'). Prints each one's ms/clip and the ratios.
# librosa comes from the PyPI python (`python3 -m pip install librosa`), torchaudio from Debian's
# /usr/bin/python3 (apt: python3-torchaudio); a peer that is not installed is reported and skipped.
#
# Shared machines drift (a neighbour's job slows every contender for a while), so the contenders run in
# ROUNDS interleaved rounds (melgrad, librosa, torchaudio, numpy, melgrad, ...) of REPS timed runs each;
# each one's figure is the best of its round medians. Every contender gets the same treatment.
# Last line: the preprocessing rate of a whole data set on all cores (decode + mel + dB + chunks).
set -u
cd "$(dirname "$0")/.."
REPS=${REPS:-20}
ROUNDS=${ROUNDS:-3}

torch_python=python3
python3 -c 'import torchaudio' 2>/dev/null || torch_python=/usr/bin/python3

declare -A best note
keep_best() {  # $1 = name, $2 = median ms of one round
    if [ -z "${best[$1]:-}" ] || awk -v a="$2" -v b="${best[$1]}" 'BEGIN { exit !(a < b) }'; then best[$1]=$2; fi
}
run_peer() {  # $1 = python, $2 = peer
    if ! command -v "$1" >/dev/null; then note[$2]="$2: skipped ($1 not found)"; return; fi
    local line ms
    line=$("$1" bench/mel_peers.py "$2" --reps "$REPS" 2>/dev/null | tail -1)
    ms=$(echo "$line" | sed -n 's/.*ms\/clip: //p')
    if [ -z "$ms" ]; then note[$2]="${line:-$2: skipped (failed to run with $1)}"; return; fi
    note[$2]="${line% ms/clip:*}"
    keep_best "$2" "$ms"
}
for round in $(seq "$ROUNDS"); do
    ms=$(OMP_NUM_THREADS=1 build/melgrad bench-mel --threads 1 --reps "$REPS" | sed -n 's/^ms\/clip: //p')
    [ -n "$ms" ] && keep_best melgrad "$ms"
    run_peer python3 librosa
    run_peer "$torch_python" torchaudio
    run_peer python3 numpy
done
ours=${best[melgrad]:-}
if [ -z "$ours" ]; then echo "melgrad bench-mel failed"; exit 1; fi
echo "melgrad ms/clip: $ours   (best of $ROUNDS interleaved round medians, $REPS runs each)"
for peer in librosa torchaudio numpy; do
    if [ -z "${best[$peer]:-}" ]; then echo "${note[$peer]:-$peer: skipped}"; continue; fi
    echo "${note[$peer]} ms/clip: ${best[$peer]}"
    awk -v p="${best[$peer]}" -v o="$ours" -v n="$peer" 'BEGIN { printf "  ratio %s / melgrad: %.1fx\n", n, p / o }'
done
# The whole preprocessing (read a 30 s 16-bit .au, mel, dB, chunks), one clip per thread, all cores.
build/melgrad bench-mel --pipeline --threads "$(nproc)" --reps 3 | grep '^pipeline'
