#!/usr/bin/env bash
# What a user waits for, whole process included (start-up, loading libraries, reading the model): the process
# wall time of `melgrad help` and of `melgrad predict` of one 30 s WAV clip with the paper CNN, one core, on
# the CPU. Median of RUNS runs each, interleaved. Goal (issue 15): predict <= 80 ms on a machine without a
# GPU; build/melgrad links no CUDA library for this (docs/11-cuda-backend.md, "Two executables").
#   bash bench/run_startup.sh          (make bench runs it)
#   RUNS=21 MELGRAD=other/build/melgrad bash bench/run_startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/machine.sh
RUNS=${RUNS:-11}
MELGRAD=${MELGRAD:-build/melgrad}
[ -x "$MELGRAD" ] || { echo "run_startup.sh: $MELGRAD not built (run make)" >&2; exit 1; }
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
# a paper-CNN checkpoint (random weights: the work is the same) and a 30 s clip, as bench-predict writes them
"$MELGRAD" bench-predict --reps 1 --threads 1 --dir "$DIR" >/dev/null

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
wall_ms() {  # the command's process wall time in ms (its output discarded)
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    awk -v ns=$((t1 - t0)) 'BEGIN {printf "%.1f\n", ns / 1e6}'
}
report() {  # report LABEL MS...: the median, then min and max
    local label=$1; shift
    printf '  %-48s %6s ms  (%s .. %s)\n' "$label" "$(printf '%s\n' "$@" | median)" \
        "$(printf '%s\n' "$@" | sort -g | head -1)" "$(printf '%s\n' "$@" | sort -g | tail -1)"
}
help_ms=() predict_ms=()
for r in $(seq "$RUNS"); do
    help_ms+=("$(wall_ms "$MELGRAD" help)")
    predict_ms+=("$(wall_ms "$MELGRAD" predict "$DIR/model.ckpt" "$DIR/clip30.wav" --threads 1)")
done
machine_line
echo "process wall, median of $RUNS interleaved runs ($MELGRAD; min and max in brackets):"
report "melgrad help" "${help_ms[@]}"
report "melgrad predict, 30 s WAV, paper CNN, 1 thread" "${predict_ms[@]}"
