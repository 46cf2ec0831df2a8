#!/usr/bin/env bash
# The peers a user would pick today, for `make bench`: PyTorch 2.x and torchaudio 2.x from PyPI, in a virtual
# environment at bench/.venv (ignored by git). Never needed by `make build` or `make test`; without it the
# benchmarks say "skipped: venv not set up" for those peers and still compare with Debian's PyTorch 1.13.
#
#   bash bench/setup_venv.sh                       (once; several GB: PyPI's torch wheel brings the CUDA
#                                                   libraries as nvidia-* packages even for CPU use)
#   TORCH=2.15.0 TORCHAUDIO=2.11.1 PYTHON=python3 bash bench/setup_venv.sh
# The versions are pinned so that tables from different days compare the same peers; torchaudio 2.11.1 is the
# newest on PyPI (2026-12-05) and installs beside torch 2.15.0.
set -euo pipefail
cd "$(dirname "$0")"
TORCH=${TORCH:-2.15.0}
TORCHAUDIO=${TORCHAUDIO:-2.11.1}
PYTHON=${PYTHON:-python3}   # any Python >= 3.10 with the venv module; Debian's /usr/bin/python3 works too
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet "torch==$TORCH" "torchaudio==$TORCHAUDIO" numpy
.venv/bin/python -c 'import torch, torchaudio; print("bench/.venv: torch", torch.__version__, "torchaudio", torchaudio.__version__)'
