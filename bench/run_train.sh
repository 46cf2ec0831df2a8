#!/usr/bin/env bash
# Training speed of the paper CNN, melgrad vs PyTorch (Debian python3-torch), batch 32, Adam, random data,
# at 1 thread and at all cores. Each figure is the median of REPEATS interleaved runs (the machine may be
# shared: both programs then see the same background load).
#   bash bench/run_train.sh            (make bench runs it)
#   STEPS=10 REPEATS=5 bash bench/run_train.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# Both programs use libgomp (Debian's torch too). Its default wait policy spins on idle cores; when other jobs
# hold a core, the spinning thread steals time from its own partner and 2 threads ran slower than 1 for both
# programs. Passive waiting (the same for both) measures the work instead. Override: OMP_WAIT_POLICY=active.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
STEPS=${STEPS:-8}
REPEATS=${REPEATS:-3}
MELGRAD=${MELGRAD:-build/melgrad}
PYTHON=${PYTHON:-/usr/bin/python3}
ALL=$(nproc)
[ -x "$MELGRAD" ] || { echo "run_train.sh: $MELGRAD not built (run make)" >&2; exit 1; }
if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
    echo "run_train.sh: $PYTHON has no torch (apt-get install python3-torch); melgrad only" >&2
    PYTHON=""
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Both programs print "cpu ms per step (all threads): C" and "samples/s: S"; keep "C S".
figures() { grep -E '^(cpu ms per step|samples/s)' | awk '{print $NF}' | paste -sd' '; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

printf '%-8s %12s %12s %7s   %s\n' threads "melgrad s/s" "PyTorch s/s" ratio "CPU ms per step: melgrad, PyTorch, ratio"
for T in $(printf '%s\n' 1 "$ALL" | sort -un); do
    m=(); p=()
    for r in $(seq "$REPEATS"); do
        m+=("$("$MELGRAD" bench-train --model paper-cnn --batch 32 --steps "$STEPS" --threads "$T" 2>/dev/null | figures)")
        if [ -n "$PYTHON" ]; then
            p+=("$("$PYTHON" bench/torch_train.py --threads "$T" --batch 32 --steps "$STEPS" | figures)")
        fi
    done
    mc=$(printf '%s\n' "${m[@]}" | cut -d' ' -f1 | median)
    ms=$(printf '%s\n' "${m[@]}" | cut -d' ' -f2 | median)
    if [ -n "$PYTHON" ]; then
        pc=$(printf '%s\n' "${p[@]}" | cut -d' ' -f1 | median)
        ps=$(printf '%s\n' "${p[@]}" | cut -d' ' -f2 | median)
        printf '%-8s %12.1f %12.1f %6sx   %.0f, %.0f, %sx\n' "$T" "$ms" "$ps" "$(ratio "$ms" "$ps")" "$mc" "$pc" \
            "$(ratio "$pc" "$mc")"
    else
        printf '%-8s %12.1f %12s %7s   %.0f\n' "$T" "$ms" - - "$mc"
    fi
done
echo "(paper-cnn, batch 32, Adam on both, OMP_WAIT_POLICY=$OMP_WAIT_POLICY; medians of $REPEATS interleaved runs of $STEPS"
echo " timed steps; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). CPU ms per"
echo " step is the work done, all threads together: on a busy machine it varies less than samples/s.)"
