#!/usr/bin/env bash
# Installs the Debian packages melgrad's build and tests need (idempotent: only what is missing).
# Optional extras (benchmarks against PyTorch/librosa) are listed by `tools/setup.sh --bench`.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
# openmpi-bin, libopenmpi-dev: data-parallel training (mpirun -np N build/melgrad train; docs/15-data-parallel.md).
# chromium: the report page test opens runs/NAME/report.html headless and fails on a broken image.
PACKAGES="g++ make pkg-config python3 doctest-dev libopenblas-openmp-dev libstb-dev libsndfile1-dev libsoxr-dev openmpi-bin libopenmpi-dev chromium"
if [ "${1:-}" = "--bench" ]; then PACKAGES="$PACKAGES python3-torch python3-torchaudio python3-numpy python3-scipy"; fi
missing=""
for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
else
    echo "setup: all build packages present"
fi
