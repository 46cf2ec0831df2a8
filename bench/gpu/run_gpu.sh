#!/usr/bin/env bash
# make bench-gpu: training samples/s of the paper CNN on the GPU, melgrad vs PyTorch eager, batch 32 and 128,
# data already on the GPU, the same TF32 setting on both sides (off unless TF32=1), Adam lr 1e-3.
# Then the wall time of a GTZAN-sized training run (10,000 chunks x 30 epochs at batch 32 = 9,390 steps),
# twice: training compute only (data on the GPU, CUDA graph), and end to end with `melgrad train --device cuda`
# on the synthetic GTZAN-shaped data set (1,000 clips of 30 s -> about 10,000 chunks; batches copied from the
# host, validation every epoch, checkpoints) - the preprocessing before it is timed separately.
#
#   STEPS=200 TF32=0 PYTHON=python3 GTZAN_DIR=/path/to/gtzan bash bench/gpu/run_gpu.sh   (all optional)
#
# PARTS (default "throughput compute30 train30") and BATCHES (default "32 128") choose what runs, so that
# tools/device_check.sh can give each part a time limit of its own: throughput (samples/s, each batch size),
# compute30 (the 9,390 steps, compute only), train30 (synthesis or GTZAN_DIR, preprocess, 30 epochs).
set -euo pipefail
cd "$(dirname "$0")/../.."
MELGRAD=build/melgrad
PYTHON=${PYTHON:-python3}
STEPS=${STEPS:-200}
TF32=${TF32:-0}
PARTS=" ${PARTS:-throughput compute30 train30} "
BATCHES=${BATCHES:-32 128}
part() { case "$PARTS" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

if [ ! -x "$MELGRAD" ]; then echo "bench-gpu: $MELGRAD is missing: run make first" >&2; exit 1; fi
if ! "$MELGRAD" info | grep -q "CUDA backend : compiled in"; then
    echo "bench-gpu: this melgrad was built without the CUDA backend (nvcc or cuDNN not found): nothing to measure" >&2
    exit 1
fi
if ! "$MELGRAD" info | grep -q "GPU present  : yes"; then
    echo "bench-gpu: no GPU on this machine: nothing to measure (run it where nvidia-smi shows a GPU)" >&2
    exit 1
fi
if part throughput && ! "$PYTHON" -c 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    echo "bench-gpu: $PYTHON has no PyTorch with CUDA: set PYTHON=/path/to/python with torch" >&2
    exit 1
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

tf32_flag=""
[ "$TF32" = "1" ] && tf32_flag="--tf32"
rate() { grep '^samples/s:' | awk '{print $2}'; }

if part throughput; then
    echo "paper-cnn training samples/s, Adam, TF32 $([ "$TF32" = 1 ] && echo on || echo off), $STEPS timed steps"
    printf '%-6s %14s %14s %14s %10s %10s\n' batch melgrad melgrad+graph pytorch ratio ratio+graph
    for B in $BATCHES; do
        m=$("$MELGRAD" bench-train-gpu --batch "$B" --steps "$STEPS" $tf32_flag | rate)
        g=$("$MELGRAD" bench-train-gpu --batch "$B" --steps "$STEPS" --graph $tf32_flag | rate)
        t=$("$PYTHON" bench/gpu/torch_train_gpu.py --batch "$B" --steps "$STEPS" $tf32_flag | rate)
        printf '%-6s %14s %14s %14s %10s %10s\n' "$B" "$m" "$g" "$t" \
            "$(awk -v a="$m" -v b="$t" 'BEGIN{printf "%.2fx", a/b}')" "$(awk -v a="$g" -v b="$t" 'BEGIN{printf "%.2fx", a/b}')"
    done
    echo "target: >= 1.5x PyTorch eager at batch 32"
fi

if part compute30; then
    echo
    echo "GTZAN-sized run: 10,000 chunks x 30 epochs at batch 32 (9,390 steps), training compute only, CUDA graph"
    "$MELGRAD" bench-train-gpu --batch 32 --steps 9390 --graph $tf32_flag | grep -E '^(wall s|samples/s):'
fi

part train30 || exit 0
echo
echo "GTZAN-sized run end to end: melgrad train --device cuda, paper-cnn, 30 epochs, paper split"
WORK=data/bench-gpu
mkdir -p "$WORK"
if [ -n "${GTZAN_DIR:-}" ]; then
    SRC="$GTZAN_DIR"
    echo "data: GTZAN from $SRC"
elif "$MELGRAD" help 2>&1 | grep -q 'synth-gtzan'; then
    SRC="$WORK/synth"
    echo "data: synthetic GTZAN-shaped set (1,000 clips of 30 s), $SRC"
    t=$(date +%s.%N)
    [ -f "$SRC/SYNTHETIC.txt" ] || "$MELGRAD" synth-gtzan -o "$SRC" --clips-per-genre 100 --seed 0 >/dev/null
    echo "synth wall s: $(seconds_since "$t") (reused when already there)"
else
    SRC=""
    echo "skipped: no GTZAN_DIR given and this build has no synth-gtzan command"
fi
if [ -n "$SRC" ]; then
    t0=$(date +%s.%N)
    "$MELGRAD" preprocess "$SRC" -o "$WORK/data.mgd" >/dev/null
    t1=$(date +%s.%N)
    rm -rf "$WORK/run"
    "$MELGRAD" train --data "$WORK/data.mgd" --model paper-cnn --split paper --epochs 30 --seed 0 \
        --device cuda --out "$WORK/run" >/dev/null
    t2=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v c="$t2" \
        'BEGIN{printf "preprocess wall s: %.1f (reused when already built)\ntrain 30 epochs wall s: %.1f\n", b-a, c-b}'
fi
echo "target: under 60 s on one H100"
