#!/usr/bin/env bash
# Training speed of the paper CNN, batch 32, Adam, random data, at 1 thread and at all cores: melgrad against
# the PyTorch a user would pick today (2.x from PyPI, bench/.venv: eager, channels_last and torch.compile) and
# Debian's PyTorch 1.13 (eager) where installed. Prints each one's samples/s, CPU ms per step and GFLOP/s, the
# ratio melgrad / it, and the ratio against the best peer; melgrad's row adds its fraction of OpenBLAS's SGEMM
# speed (2048^3, same threads, same run). Each figure is the median of REPEATS interleaved runs (melgrad, each
# peer, melgrad, ...: on a shared machine every program sees the same background load).
#   bash bench/run_train.sh            (make bench runs it; bash bench/setup_venv.sh first for PyTorch 2.x)
#   STEPS=10 REPEATS=5 THREADS="1 2" bash bench/run_train.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/machine.sh
# Every program here uses an OpenMP runtime. Its default wait policy spins on idle cores; when other jobs hold a
# core, the spinning thread steals time from its own partner and 2 threads ran slower than 1 for both melgrad
# and PyTorch. Passive waiting (the same for all) measures the work instead. Override: OMP_WAIT_POLICY=active.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
STEPS=${STEPS:-8}
REPEATS=${REPEATS:-3}
MELGRAD=${MELGRAD:-build/melgrad}
THREADS=${THREADS:-$(printf '%s\n' 1 "$(nproc)" | sort -un | paste -sd' ')}
DEBIAN_PYTHON=${DEBIAN_PYTHON:-/usr/bin/python3}
VENV_PYTHON=${VENV_PYTHON:-bench/.venv/bin/python}
[ -x "$MELGRAD" ] || { echo "run_train.sh: $MELGRAD not built (run make)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The contenders: "label|command". melgrad first; its FLOP count is used for every row (same model).
contenders=("melgrad (fast path)|$MELGRAD bench-train --model paper-cnn --batch 32")
if "$DEBIAN_PYTHON" -c 'import torch' 2>/dev/null; then
    v=$("$DEBIAN_PYTHON" -c 'import torch; print(torch.__version__)')
    contenders+=("PyTorch $v (Debian), eager|$DEBIAN_PYTHON bench/torch_train.py --batch 32 --mode eager")
else
    echo "PyTorch (Debian): skipped: $DEBIAN_PYTHON has no torch (apt-get install python3-torch)"
fi
if [ -x "$VENV_PYTHON" ] && "$VENV_PYTHON" -c 'import torch' 2>/dev/null; then
    v=$("$VENV_PYTHON" -c 'import torch; print(torch.__version__)')
    for mode in eager channels_last compile; do
        contenders+=("PyTorch $v, $mode|$VENV_PYTHON bench/torch_train.py --batch 32 --mode $mode")
    done
else
    echo "PyTorch 2.x: skipped: venv not set up, run bench/setup_venv.sh"
fi

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
field() { sed -n "s|^$1: ||p"; }  # the value of a "NAME: value" line
# median_of T I NAME: the median of NAME over contender I's runs at T threads
median_of() { for f in "$WORK/$1-$2"-*.txt; do field "$3" <"$f"; done | median; }

machine_line
echo "paper CNN training, batch 32, Adam, random data: medians of $REPEATS interleaved runs of $STEPS timed steps"
printf '%-7s %-36s %9s %11s %8s %10s %10s\n' threads program samples/s "cpu ms/step" GFLOP/s "melgrad/it" "(by cpu)"
for T in $THREADS; do
    for r in $(seq "$REPEATS"); do
        for i in "${!contenders[@]}"; do
            ${contenders[$i]#*|} --threads "$T" --steps "$STEPS" >"$WORK/$T-$i-$r.txt" 2>/dev/null ||
                echo "failed: ${contenders[$i]%%|*}, $T threads" >"$WORK/$T-$i-$r.failed"
        done
    done
    ours=$(median_of "$T" 0 samples/s) ours_cpu=$(median_of "$T" 0 "cpu ms per step (all threads)")
    gflop=$(field "GFLOP per sample.*" <"$WORK/$T-0-1.txt")
    best=0 best_label=""
    for i in "${!contenders[@]}"; do
        s=$(median_of "$T" "$i" samples/s)
        label=${contenders[$i]%%|*}
        if [ -z "$s" ]; then printf '%-7s %-36s %9s\n' "$T" "$label" "failed"; continue; fi
        c=$(median_of "$T" "$i" "cpu ms per step (all threads)")
        ratio=$(awk -v a="$ours" -v b="$s" 'BEGIN {printf "%.2fx", a / b}')
        by_cpu=$(awk -v a="$ours_cpu" -v b="$c" 'BEGIN {printf "%.2fx", b / a}')
        [ "$i" -eq 0 ] && ratio="" by_cpu=""
        printf '%-7s %-36s %9.1f %11.0f %8.1f %10s %10s\n' "$T" "$label" "$s" "$c" \
            "$(awk -v s="$s" -v g="$gflop" 'BEGIN {print s * g}')" "$ratio" "$by_cpu"
        if [ "$i" -gt 0 ] && awk -v a="$s" -v b="$best" 'BEGIN {exit !(a > b)}'; then best=$s best_label=$label; fi
    done
    printf '%-7s   SGEMM 2048^3 on %s thread(s): %s GFLOP/s; used by melgrad: %s %%\n' "$T" "$T" \
        "$(median_of "$T" 0 "OpenBLAS SGEMM 2048^3, $T thread(s), GFLOP/s")" "$(median_of "$T" 0 "fraction of SGEMM peak" | tr -d ' %')"
    printf '%-7s   memory bandwidth (y = ax + b, read + write) on %s thread(s): %s GB/s\n' "$T" "$T" \
        "$(median_of "$T" 0 "memory bandwidth (y = ax + b over 2 x 256 MB, read + write), $T thread(s), GB/s")"
    [ -n "$best_label" ] && printf '%-7s   best peer: %s; melgrad / best: %s\n' "$T" "$best_label" \
        "$(awk -v a="$ours" -v b="$best" 'BEGIN {printf "%.2fx", a / b}')"
done
echo "(GFLOP/s: samples/s x $gflop GFLOP per sample, the Conv2d and Linear layers' forward + backward FLOPs that"
echo " melgrad bench-train counts from the layer shapes; the same model for every row. OMP_WAIT_POLICY=$OMP_WAIT_POLICY;"
echo " load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). CPU ms per step is the work done, all threads"
echo " together: on a busy machine it varies less than samples/s; '(by cpu)' is the ratio of those. On a quiet"
echo " machine at 1 thread the two ratios agree.)"
