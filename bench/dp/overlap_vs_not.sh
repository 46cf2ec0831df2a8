#!/usr/bin/env bash
# The overlapped gradient all-reduce against --no-overlap (docs/15-data-parallel.md, "Overlapping the
# all-reduce with backward"): the paper CNN, global batch 32, 2 ranks x 1 thread, STEPS steps, PAIRS runs of
# each in turn (A B A B ...) under farm-bench --vs, whose pair-by-pair A/B of the whole run's wall time it
# prints; then, from the runs' own output, the medians of the time in the all-reduce calls per step and of
# the training seconds (metrics.csv; validation not counted), the warm-up runs included.
#   bash bench/dp/overlap_vs_not.sh             BUCKET_MB=25 PAIRS=10 bash bench/dp/overlap_vs_not.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BUCKET_MB=${BUCKET_MB:-1}  # 1: three buckets for the paper CNN; 25 (the default) is one, nothing to overlap
PAIRS=${PAIRS:-10}
STEPS=${STEPS:-8}
MELGRAD=$(realpath "${MELGRAD:-build/melgrad}")
command -v farm-bench >/dev/null || { echo "overlap_vs_not: needs farm-bench (A B A B timing)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/melgrad_overlap.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$MELGRAD" synth-gtzan -o "$WORK/syn" --clips-per-genre 4 --seconds 30 >/dev/null 2>&1
"$MELGRAD" preprocess "$WORK/syn" -o "$WORK/syn.mgd" >/dev/null 2>&1
# one run: $1 extra flags, $2 the file its figures are appended to
cat > "$WORK/run.sh" <<SCRIPT
#!/bin/sh
out=\$(mktemp -d "$WORK/run.XXXXXX")
OMP_WAIT_POLICY=passive mpirun --oversubscribe --allow-run-as-root -np 2 "$MELGRAD" train --data "$WORK/syn.mgd" \\
    --out "\$out/run" --model paper-cnn --batch 32 --epochs 1 --max-batches $STEPS --threads 1 --seed 1 \\
    --bucket-mb $BUCKET_MB \$1 2>/dev/null | sed -n 's/.*gradient all-reduce \([0-9.]*\) ms per step.*/allreduce_ms \1/p' >> "\$2"
echo "train_s \$(tail -1 "\$out/run/metrics.csv" | awk -F, '{print \$NF}')" >> "\$2"
rm -rf "\$out"
SCRIPT
chmod +x "$WORK/run.sh"
echo "overlapped (A) vs --no-overlap (B): paper CNN, batch 32, $STEPS steps, --bucket-mb $BUCKET_MB, $PAIRS pairs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
farm-bench -n "$PAIRS" --timeout 1200 --vs "$WORK/run.sh --no-overlap $WORK/off.txt" -- "$WORK/run.sh" "" "$WORK/on.txt" |
    grep -E '^farm-bench|wall'
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for side in on off; do
    printf '%-12s all-reduce calls %6s ms/step   training %5s s\n' "$([ $side = on ] && echo overlapped || echo --no-overlap)" \
        "$(awk '$1 == "allreduce_ms" {print $2}' "$WORK/$side.txt" | median)" "$(awk '$1 == "train_s" {print $2}' "$WORK/$side.txt" | median)"
done
