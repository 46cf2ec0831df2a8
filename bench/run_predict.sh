#!/usr/bin/env bash
# Predict end to end (decode + mel + chunks + paper CNN), one core: melgrad vs PyTorch + torchaudio.
# Targets: < 50 ms per 30 s clip, < 1 s per 4-minute MP3. (The paper: 17 s per full-length song.)
set -uo pipefail
cd "$(dirname "$0")/.."
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
ours=$(build/melgrad bench-predict --threads 1 --dir "$DIR") || { echo "bench-predict failed"; exit 1; }
echo "$ours"
clip=$(echo "$ours" | sed -n 's/^ms\/clip: //p'); song=$(echo "$ours" | sed -n 's/^ms\/song: //p')
if /usr/bin/python3 -c 'import torch, torchaudio, scipy' 2>/dev/null; then
    peer=$(/usr/bin/python3 bench/predict_peer.py "$DIR/clip30.wav" "$DIR/song240.mp3" 1 7 2>&1)
    echo "PyTorch + torchaudio:"; echo "$peer" | sed 's/^/  /'
    pclip=$(echo "$peer" | sed -n 's/^ms\/clip: \([0-9.]*\)$/\1/p'); psong=$(echo "$peer" | sed -n 's/^ms\/song: \([0-9.]*\)$/\1/p')
    [ -n "$pclip" ] && echo "30 s clip : melgrad $clip ms, PyTorch $pclip ms, ratio $(awk "BEGIN{printf \"%.1f\", $pclip/$clip}")x"
    [ -n "$psong" ] && echo "4 min MP3 : melgrad $song ms, PyTorch $psong ms, ratio $(awk "BEGIN{printf \"%.1f\", $psong/$song}")x"
else
    echo "peer skipped: Debian python3-torch / python3-torchaudio / python3-scipy not installed (tools/setup.sh --bench)"
fi
echo "the paper: 17000 ms per full-length song"
