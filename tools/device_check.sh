#!/usr/bin/env bash
# Run ON THE GPU MACHINE (the library's `device` tool), from the repository root, after tools/device_prepare.sh
# here and with carry [".deps"]:
#     bash tools/device_check.sh
# One command for the whole check, because that machine's time is short: builds melgrad with the CUDA backend,
# runs the GPU tests, then every test, then `make bench-gpu`, each step under a time limit (so that one hang
# cannot eat the session's device time), and writes every log under $OUT (the device tool brings it back):
#     env.txt nvidia-smi.txt build.log info.txt tests_gpu.log tests_all.log bench_gpu.log summary.txt
# Environment: OUT (default out/), CUDA_ARCHS (default sm_90 only: H100/H200), STEPS for bench-gpu (default
# 200), STAGES (default "build tests bench"). The device tool stops a command after 10 minutes: the limits
# below add up to about that; if the build is slow there, split it over two calls on the warm machine
# (its build outputs stay): STAGES="build tests", then STAGES="build bench" (the build is then a no-op).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-out}
mkdir -p "$OUT"
: > "$OUT/summary.txt"
summary() { echo "$*" | tee -a "$OUT/summary.txt"; }
# step NAME SECONDS COMMAND...: runs COMMAND with its output in $OUT/NAME.log, notes rc and seconds
step() {
    local name=$1 limit=$2 start rc
    shift 2
    start=$(date +%s)
    timeout "$limit" "$@" > "$OUT/$name.log" 2>&1
    rc=$?
    summary "$name: rc $rc ($([ $rc = 124 ] && echo "timed out after $limit s" || echo "$(( $(date +%s) - start )) s"))"
    return $rc
}

[ -f .deps/env.sh ] || { summary "no .deps/env.sh: run tools/device_prepare.sh on the development machine and carry .deps"; exit 1; }
# shellcheck disable=SC1091
. .deps/env.sh > "$OUT/env.txt" 2>&1
{ nvcc --version; echo "CUDNN_HOME=${CUDNN_HOME:-}"; } >> "$OUT/env.txt" 2>&1
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || summary "nvidia-smi failed: no GPU visible?"
BUILD=${BUILD:-build}
BLAS_DIR=$DEPS_ROOT/usr/lib/x86_64-linux-gnu/openblas-openmp
# LD_LIBRARY_PATH wins over the binary's rpath: put the OpenMP OpenBLAS first, or the pthread one that env.sh
# lists would be loaded (same soname) and the thread-count tests would fail
export LD_LIBRARY_PATH="$BLAS_DIR:${LD_LIBRARY_PATH:-}"
archs=${CUDA_ARCHS:--gencode arch=compute_90,code=sm_90}

has_stage() { case " ${STAGES:-build tests bench} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

if has_stage build; then
    step build 240 make -j"$(nproc)" BUILD="$BUILD" BLAS_DIR="$BLAS_DIR" CUDA_ARCHS="$archs" \
        "$BUILD/melgrad" "$BUILD/melgrad_tests" || { tail -40 "$OUT/build.log"; exit 1; }
fi
"$BUILD/melgrad" info > "$OUT/info.txt" 2>&1
cat "$OUT/info.txt"
grep -q "GPU present  : yes" "$OUT/info.txt" || summary "melgrad info sees no GPU: the GPU tests will report themselves skipped"

if has_stage tests; then
    # the GPU tests first (the test runner's last line says how many passed), then everything
    step tests_gpu 90 "$BUILD/melgrad_tests" -tc="cuda*,*CUDA*"
    tail -1 "$OUT/tests_gpu.log" | tee -a "$OUT/summary.txt"
    step tests_all 120 "$BUILD/melgrad_tests"
    tail -1 "$OUT/tests_all.log" | tee -a "$OUT/summary.txt"
fi

if has_stage bench; then
    step bench_gpu 270 env STEPS="${STEPS:-200}" make BUILD="$BUILD" BLAS_DIR="$BLAS_DIR" CUDA_ARCHS="$archs" bench-gpu
    grep -E "^(batch|[0-9]+ |target|wall s|samples/s|preprocess wall|train 30)" "$OUT/bench_gpu.log" | tee -a "$OUT/summary.txt"
fi
echo "logs in $OUT/"
