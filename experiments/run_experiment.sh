#!/usr/bin/env bash
# make experiment-gtzan: the paper's experiment, step by step (docs/07-experiment.md walks through it).
#   experiments/run_experiment.sh [GTZAN_DIR]
# Without GTZAN_DIR (and without data/gtzan) it runs on the deterministic synthetic stand-in and says so.
# Overrides: EPOCHS, MODEL, SPLIT, SCALE, SEED, DEVICE, CLIPS_PER_GENRE (synthetic only).
set -euo pipefail
cd "$(dirname "$0")/.."
MELGRAD=build/melgrad
GTZAN_DIR="${1:-}"
MODEL="${MODEL:-paper-cnn}"
SPLIT="${SPLIT:-paper}"
SCALE="${SCALE:-db}"
SEED="${SEED:-0}"
DEVICE="${DEVICE:-auto}"
step() { printf '\n== step %s\n' "$*"; }

step "1: find the data"
if [ -z "$GTZAN_DIR" ] && [ -d data/gtzan ]; then GTZAN_DIR=data/gtzan; fi
if [ -n "$GTZAN_DIR" ]; then
    KIND=gtzan
    DATA_DIR="$GTZAN_DIR"
    EPOCHS="${EPOCHS:-30}"
    echo "using GTZAN from $DATA_DIR"
else
    KIND=synthetic
    # Sized so the whole experiment finishes in well under 15 minutes on a 2-core CPU.
    CLIPS_PER_GENRE="${CLIPS_PER_GENRE:-100}"
    EPOCHS="${EPOCHS:-8}"
    DATA_DIR="data/synthetic-gtzan-$CLIPS_PER_GENRE$([ "$SEED" = 0 ] || echo "-seed$SEED")"
    echo "no GTZAN given (GTZAN_DIR=/path or data/gtzan): running on the SYNTHETIC GTZAN-shaped stand-in in $DATA_DIR"
    if [ ! -f "$DATA_DIR/SYNTHETIC.txt" ]; then
        $MELGRAD synth-gtzan -o "$DATA_DIR" --clips-per-genre "$CLIPS_PER_GENRE" --seed "$SEED"
    else
        echo "$DATA_DIR already generated (deterministic: same seed, same files)"
    fi
fi
# Every override that changes the data or the run is in the names (the defaults keep the short ones), so a
# run with SCALE=power or SEED=1 starts its own folder instead of trying to resume the default run.
VARIANT=""
[ "$KIND" = synthetic ] && [ "$CLIPS_PER_GENRE" != 100 ] && VARIANT="$VARIANT-$CLIPS_PER_GENRE"
[ "$SEED" != 0 ] && VARIANT="$VARIANT-seed$SEED"
RUN="runs/$MODEL-$KIND-$SPLIT$([ "$SCALE" = db ] || echo "-$SCALE")$VARIANT"
DATASET="data/$KIND-$SCALE$VARIANT.mgd"

step "2: preprocess (decode, mel, 1x128x128 chunks)"
$MELGRAD preprocess "$DATA_DIR" -o "$DATASET" --scale "$SCALE"

step "3: split ($SPLIT)"
$MELGRAD split --data "$DATASET" --split "$SPLIT" --seed "$SEED"

step "4: train ($MODEL, $EPOCHS epochs, Adam, batch 32)"
$MELGRAD summary --model "$MODEL"
$MELGRAD train --data "$DATASET" --model "$MODEL" --split "$SPLIT" --epochs "$EPOCHS" --seed "$SEED" \
    --device "$DEVICE" --out "$RUN" --resume

step "5: evaluate"
$MELGRAD eval "$RUN" --device "$DEVICE"

step "6: predict (a few clips, with timing)"
mapfile -t SONGS < <(find "$DATA_DIR" -type f \( -name '*.wav' -o -name '*.au' \) | sort | awk 'NR % 250 == 1' | head -4)
$MELGRAD predict "$RUN/model.ckpt" "${SONGS[@]}" --timing

step "7: figures and report"
bash experiments/make_images.sh "$RUN"

echo
echo "done: $RUN ($KIND data). Figures in $RUN/figures/, the report in $RUN/report.html"
[ "$KIND" = synthetic ] && echo "note: these results are on SYNTHETIC data, not GTZAN"
exit 0
