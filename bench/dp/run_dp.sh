#!/usr/bin/env bash
# make bench-dp: data-parallel training speed on this machine (docs/15-data-parallel.md). The paper CNN,
# global batch 32, Adam, STEPS steps on a small synthetic set, four ways to use the cores:
#   1 process x 1 thread      the baseline
#   1 process x 2 threads     OpenMP inside one process (the usual way on one machine)
#   2 ranks x 1 thread        mpirun -np 2: each rank 16 samples, gradients all-reduced every step, each bucket
#                             started during backward as soon as its gradients are final (the default)
#   the same, --no-overlap    every bucket started after backward
# samples/s come from metrics.csv's training seconds (validation not counted); "all-reduce ms/step" from
# melgrad train's "data parallel:" line: the time inside MPI (starting the all-reduces and waiting for them),
# which includes waiting for the slower rank; `melgrad bench-allreduce` then times the same all-reduce alone
# (after a barrier: no waiting).
# Each figure is the median of REPEATS interleaved runs (the machine may be shared).
#   bash bench/dp/run_dp.sh           STEPS=8 REPEATS=3 bash bench/dp/run_dp.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}  # as bench/run_train.sh: no spinning on a shared machine
STEPS=${STEPS:-8}
REPEATS=${REPEATS:-3}
MELGRAD=$(realpath "${MELGRAD:-build/melgrad}")
command -v mpirun >/dev/null || { echo "bench-dp: no mpirun (tools/setup.sh installs OpenMPI)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/melgrad_bench_dp.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$MELGRAD" synth-gtzan -o "$WORK/syn" --clips-per-genre 4 --seconds 30 >/dev/null 2>&1
"$MELGRAD" preprocess "$WORK/syn" -o "$WORK/syn.mgd" >/dev/null 2>&1

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# one run: prints "samples/s all-reduce-ms" (all-reduce "-" for one process)
run() {
    local launcher=$1 threads=$2 flags=${3:-} out="$WORK/run" log
    rm -rf "$out"
    log=$($launcher "$MELGRAD" train --data "$WORK/syn.mgd" --out "$out" --model paper-cnn --batch 32 --epochs 1 \
          --max-batches "$STEPS" --threads "$threads" --seed 1 $flags 2>/dev/null)
    local seconds ms
    seconds=$(tail -1 "$out/metrics.csv" | awk -F, '{print $NF}')
    ms=$(echo "$log" | sed -n 's/.*gradient all-reduce \([0-9.]*\) ms per step.*/\1/p')
    awk -v s="$seconds" -v n=$((STEPS * 32)) -v ms="${ms:--}" 'BEGIN {printf "%.1f %s\n", n / s, ms}'
}

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
MPIRUN="mpirun --oversubscribe --allow-run-as-root -np 2"
declare -A speed allreduce
for r in $(seq "$REPEATS"); do
    for cfg in "1x1" "1x2" "2x1" "2x1-no-overlap"; do
        case $cfg in
            1x1) fig=$(run "" 1) ;;
            1x2) fig=$(run "" 2) ;;
            2x1) fig=$(run "$MPIRUN" 1) ;;
            2x1-no-overlap) fig=$(run "$MPIRUN" 1 --no-overlap) ;;
        esac
        speed[$cfg]+="${fig% *} "
        allreduce[$cfg]+="${fig#* } "
    done
done
echo "paper CNN, global batch 32, $STEPS steps, median of $REPEATS; $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average before: $LOAD"
printf '%-32s %10s %18s\n' "layout" "samples/s" "all-reduce ms/step"
for cfg in "1x1" "1x2" "2x1" "2x1-no-overlap"; do
    s=$(echo ${speed[$cfg]} | tr ' ' '\n' | median)
    a=$(echo ${allreduce[$cfg]} | tr ' ' '\n' | grep -v -- - | median || true)
    case $cfg in 1x1) name="1 process x 1 thread";; 1x2) name="1 process x 2 threads";; 2x1) name="2 ranks x 1 thread";;
        2x1-no-overlap) name="2 ranks x 1 thread, --no-overlap";; esac
    printf '%-32s %10s %18s\n' "$name" "$s" "${a:--}"
done
$MPIRUN "$MELGRAD" bench-allreduce --repeats 20
