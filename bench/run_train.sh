#!/usr/bin/env bash
# Training speed of the paper CNN, melgrad vs PyTorch (Debian python3-torch), batch 32, Adam, random data,
# at 1 thread and at all cores. Each figure is the median of REPEATS runs (the machine may be shared).
#   bash bench/run_train.sh            (make bench runs it)
#   STEPS=10 REPEATS=5 bash bench/run_train.sh
set -euo pipefail
cd "$(dirname "$0")/.."
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
samples() { grep '^samples/s:' | awk '{print $2}'; }

printf '%-8s %14s %14s %8s\n' threads "melgrad s/s" "PyTorch s/s" ratio
for T in $(printf '%s\n' 1 "$ALL" | sort -un); do
    m=(); p=()
    for r in $(seq "$REPEATS"); do  # interleaved, so both see the same background load
        m+=("$("$MELGRAD" bench-train --model paper-cnn --batch 32 --steps "$STEPS" --threads "$T" 2>/dev/null | samples)")
        [ -n "$PYTHON" ] && p+=("$("$PYTHON" bench/torch_train.py --threads "$T" --batch 32 --steps "$STEPS" | samples)")
    done
    mm=$(printf '%s\n' "${m[@]}" | median)
    if [ -n "$PYTHON" ]; then
        pm=$(printf '%s\n' "${p[@]}" | median)
        printf '%-8s %14.1f %14.1f %7.2fx\n' "$T" "$mm" "$pm" "$(awk -v a="$mm" -v b="$pm" 'BEGIN {print a / b}')"
    else
        printf '%-8s %14.1f %14s %8s\n' "$T" "$mm" - -
    fi
done
echo "(paper-cnn, batch 32, Adam, samples/s = median of $REPEATS runs of $STEPS timed steps; optimizer: Adam on both)"
