#!/usr/bin/env bash
# make images: every figure of a run into RUN/figures/, then RUN/report.html.
#   experiments/make_images.sh [RUN_DIR]     (default: the most recently modified folder under runs/)
set -euo pipefail
cd "$(dirname "$0")/.."
MELGRAD=build/melgrad
RUN="${1:-}"
if [ -z "$RUN" ]; then
    RUN=$(ls -dt runs/*/ 2>/dev/null | head -1 || true)
    RUN="${RUN%/}"
    [ -n "$RUN" ] || { echo "make images: no run under runs/ yet (train one: make experiment-gtzan)"; exit 1; }
fi
[ -d "$RUN" ] || { echo "make images: $RUN is not a directory"; exit 1; }
mkdir -p "$RUN/figures"
echo "figures for $RUN"
# An example clip: the first clip of the run's data source (paper Fig. 2 shows a blues track).
SOURCE=$(sed -n 's/^provenance=[a-z]* (\(.*\))$/\1/p' "$RUN/settings.txt" 2>/dev/null | head -1)
[ -d "$SOURCE" ] || SOURCE=$(sed -n 's/^data\.source=//p' "$RUN/settings.txt" 2>/dev/null | head -1)
SONG=$(find "$SOURCE" -path '*blues*' -type f \( -name '*.wav' -o -name '*.au' \) 2>/dev/null | sort | head -1 || true)
# your own data (provenance folders or fma, chapter 7): its first song of any format
PROVENANCE=$(sed -n 's/^provenance=\([a-z]*\).*/\1/p' "$RUN/settings.txt" 2>/dev/null | head -1)
[ -n "$SONG" ] || SONG=$(find "$SOURCE" -type f \( -iname '*.wav' -o -iname '*.au' -o -iname '*.mp3' -o -iname '*.flac' \
    -o -iname '*.ogg' \) 2>/dev/null | sort | head -1 || true)
$MELGRAD filterbank -o "$RUN/figures/filterbank.png"
if [ -n "$SONG" ]; then
    $MELGRAD spectrogram "$SONG" --db -o "$RUN/figures/spectrogram.png"
    $MELGRAD spectrogram "$SONG" --db --stft -o "$RUN/figures/stft.png"
fi
if [ -f "$RUN/model.ckpt" ]; then
    $MELGRAD filters "$RUN/model.ckpt" -o "$RUN/figures/filters.png"
    [ -n "$SONG" ] && $MELGRAD featuremaps "$RUN/model.ckpt" "$SONG" -o "$RUN/figures/featuremaps.png"
    # One explained clip per genre for the report: the first 128-frame chunk of each genre folder's first clip.
    # (GTZAN's genre folders only: FMA's folders are numbers, and your own may be nested; run melgrad explain)
    [ "$PROVENANCE" != folders ] && [ "$PROVENANCE" != fma ] && [ -d "$SOURCE" ] && find "$SOURCE" -type f \( -name '*.wav' -o -name '*.au' \) | sort | awk -F/ '!seen[$(NF-1)]++' |
        while read -r CLIP; do
            GENRE=$(basename "$(dirname "$CLIP")")
            $MELGRAD explain "$RUN/model.ckpt" "$CLIP" --start 0 -o "$RUN/figures/explain_$GENRE.png" > /dev/null ||
                echo "make images: could not explain $CLIP"
        done
fi
$MELGRAD images "$RUN"
