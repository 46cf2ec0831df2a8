#!/usr/bin/env bash
# Mel spectrogram of a 30 s clip at the paper's settings, one thread: melgrad against librosa and torchaudio
# (norm='slaney', mel_scale='slaney', pad_mode='constant'). Prints the machine, each one's ms/clip and the
# ratios, and the ratio against the fastest peer. librosa comes from the PyPI python (`python3 -m pip install
# librosa`), torchaudio 2.x from bench/.venv (bash bench/setup_venv.sh), torchaudio 0.13 from Debian's
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

source bench/machine.sh
VENV_PYTHON=${VENV_PYTHON:-bench/.venv/bin/python}

declare -A best note
keep_best() {  # $1 = name, $2 = median ms of one round
    if [ -z "${best[$1]:-}" ] || awk -v a="$2" -v b="${best[$1]}" 'BEGIN { exit !(a < b) }'; then best[$1]=$2; fi
}
run_peer() {  # $1 = key, $2 = python, $3 = peer
    if ! command -v "$2" >/dev/null; then note[$1]="$3: skipped ($2 not found)"; return; fi
    local line ms
    line=$("$2" bench/mel_peers.py "$3" --reps "$REPS" 2>/dev/null | tail -1)
    ms=$(echo "$line" | sed -n 's/.*ms\/clip: //p')
    if [ -z "$ms" ]; then
        note[$1]="${line:-$3: skipped (failed to run)} [$2]"
        # Debian's torchaudio (0.13, beside /usr/bin/python3's torch 1.13) is a peer of its own
        [ "$1" = torchaudio_debian ] && note[$1]="(Debian's) ${note[$1]}"
        return
    fi
    note[$1]="${line% ms/clip:*}"
    keep_best "$1" "$ms"
}
[ -x "$VENV_PYTHON" ] || note[torchaudio_venv]="torchaudio 2.x: skipped: venv not set up, run bench/setup_venv.sh"
for round in $(seq "$ROUNDS"); do
    ms=$(OMP_NUM_THREADS=1 build/melgrad bench-mel --threads 1 --reps "$REPS" | sed -n 's/^ms\/clip: //p')
    [ -n "$ms" ] && keep_best melgrad "$ms"
    run_peer librosa python3 librosa
    [ -x "$VENV_PYTHON" ] && run_peer torchaudio_venv "$VENV_PYTHON" torchaudio
    run_peer torchaudio_debian /usr/bin/python3 torchaudio
    run_peer numpy python3 numpy
done
ours=${best[melgrad]:-}
if [ -z "$ours" ]; then echo "melgrad bench-mel failed"; exit 1; fi
machine_line
echo "melgrad ms/clip: $ours   (best of $ROUNDS interleaved round medians, $REPS runs each)"
fastest=""
for peer in librosa torchaudio_venv torchaudio_debian numpy; do
    if [ -z "${best[$peer]:-}" ]; then echo "${note[$peer]:-$peer: skipped}"; continue; fi
    echo "${note[$peer]} ms/clip: ${best[$peer]}"
    awk -v p="${best[$peer]}" -v o="$ours" -v n="${note[$peer]}" 'BEGIN { printf "  ratio %s / melgrad: %.1fx\n", n, p / o }'
    if [ -z "$fastest" ] || awk -v a="${best[$peer]}" -v b="${best[$fastest]}" 'BEGIN { exit !(a < b) }'; then fastest=$peer; fi
done
[ -n "$fastest" ] && awk -v p="${best[$fastest]}" -v o="$ours" -v n="${note[$fastest]}" \
    'BEGIN { printf "fastest peer: %s; ratio to melgrad: %.1fx\n", n, p / o }'
# The whole preprocessing (read a 30 s 16-bit .au, mel, dB, chunks), one clip per thread, all cores.
build/melgrad bench-mel --pipeline --threads "$(nproc)" --reps 3 | grep '^pipeline'
