#!/usr/bin/env bash
# The GPU check, sized for the device tool (docs/11-cuda-backend.md, "Running the check on a GPU machine"):
# at most 10 minutes a call and about 15 minutes of device time in all, the machine's start-up included.
# Run from the repository root, after tools/device_prepare.sh here, with carry [".deps"]:
#
#   bash tools/device_check.sh              call 1, ~8 min: environment, build (sm_90), every GPU test once
#   PART=bench bash tools/device_check.sh   call 2, optional, ~5 min: the benchmark, a time limit per part;
#                                           right after call 1, while the machine is warm (its build is kept)
#   DRY_RUN=1 bash tools/device_check.sh    HERE, without a GPU: the CPU-side parts, timed, and the plan
#
# Everything goes to $OUT as it happens (summary.txt first: the plan, then one line per stage or test as
# it ends), so a call stopped at its limit still reports how far it got. At most 8 files come back from
# $OUT: call 1 writes summary.txt env.txt build.log tests_gpu.log; call 2 summary.txt env.txt build.log bench.log.
# Each stage's limit is also cut to the call's time left (BUDGET), so the call ends inside it.
# Environment: OUT (default out/), PART (tests or bench), BUDGET (seconds; default 480 for tests, 300 for
# bench), CUDA_ARCHS (default sm_90: H100/H200), BUILD (default build), STEPS (bench, default 200).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-out}
PART=${PART:-tests}
DRY=${DRY_RUN:-0}
mkdir -p "$OUT"
: > "$OUT/summary.txt"
T0=$(date +%s)
case "$PART" in
    tests) BUDGET=${BUDGET:-480} ;;
    bench) BUDGET=${BUDGET:-300} ;;
    *) echo "device_check: PART must be tests or bench, not '$PART'" >&2; exit 2 ;;
esac
# A dry run here has fewer cores than the GPU machine's 16: every limit is stretched by 16 / cores, so that
# a stage that would fit there fits here, and one that is stopped would be too slow there.
SCALE=1
[ "$DRY" = 1 ] && SCALE=$(( 16 / $(nproc) )) && [ "$SCALE" -lt 1 ] && SCALE=1
BUDGET=$(( BUDGET * SCALE ))

summary() { echo "$*" | tee -a "$OUT/summary.txt"; }
LINEBUF=()  # line-buffered output, so that a log holds everything up to the moment a step is stopped
command -v stdbuf >/dev/null && LINEBUF=(stdbuf -oL -eL)
time_left() { echo $(( BUDGET - ($(date +%s) - T0) )); }
# step LOG LIMIT NAME COMMAND...: runs COMMAND with its output appended to $OUT/LOG as it comes (line-buffered),
# under LIMIT seconds or the call's time left, whichever is less; one summary line with rc and seconds.
step() {
    local log=$1 limit=$(( $2 * SCALE )) name=$3 left start rc
    shift 3
    left=$(time_left)
    [ "$left" -lt "$limit" ] && limit=$left
    if [ "$limit" -le 0 ]; then summary "$name: not run, the call's $BUDGET s are spent"; return 124; fi
    echo "=== $name (limit $limit s)" >> "$OUT/$log"
    start=$(date +%s)
    timeout -k 5 "$limit" "${LINEBUF[@]}" "$@" >> "$OUT/$log" 2>&1
    rc=$?
    summary "$name: rc $rc, $(( $(date +%s) - start )) s$([ $rc = 124 ] && echo ", stopped at its $limit s limit")"
    return $rc
}

# The plan: stage, limit in seconds. Printed first, so the summary of a stopped call shows what was left.
if [ "$PART" = tests ]; then
    PLAN="env:30 build:240 gpu-tests:200"
else
    PLAN="env:30 build:20 throughput-b32:75 predict:30 synth-preprocess-train30:145"
fi
limit_of() { local p; for p in $PLAN; do [ "${p%%:*}" = "$1" ] && echo "${p##*:}"; done; }
summary "device_check PART=$PART, budget $BUDGET s$([ "$DRY" = 1 ] && echo ", DRY RUN (no GPU: CPU-side parts only; $(nproc) cores, so every limit x$SCALE)")"
summary "plan (stage:limit s): $PLAN; sum $(( $(for p in $PLAN; do echo -n "${p##*:}+"; done; echo 0) )) s"

# --- environment -------------------------------------------------------------------------------------------
BUILD=${BUILD:-build}
[ "$DRY" = 1 ] && BUILD=${DRY_BUILD:-/tmp/device_check_dry_build}  # from scratch, as on a fresh GPU machine
BLAS_DIR=
if [ -f .deps/env.sh ] && [ "$DRY" != 1 ]; then
    # shellcheck disable=SC1091
    . .deps/env.sh > "$OUT/env.txt" 2>&1
    BLAS_DIR=$DEPS_ROOT/usr/lib/x86_64-linux-gnu/openblas-openmp
    # LD_LIBRARY_PATH wins over the binary's rpath: the OpenMP OpenBLAS first, or the pthread one that env.sh
    # lists would be loaded (same soname) and the thread-count tests would fail
    export LD_LIBRARY_PATH="$BLAS_DIR:${LD_LIBRARY_PATH:-}"
elif [ "$DRY" = 1 ]; then
    echo "dry run: this machine's own packages, not .deps" > "$OUT/env.txt"
else
    summary "no .deps/env.sh: run tools/device_prepare.sh on the development machine and carry .deps"
    exit 1
fi
# cuBLAS and the CUDA runtime: in the CUDA tree, or else only in the Python environment's nvidia/ packages
# (whose wheels ship libNAME.so.N without the libNAME.so link that -lNAME needs): make a link folder then.
CUDA_HOME=${CUDA_HOME:-$(dirname "$(dirname "$(command -v nvcc 2>/dev/null || echo /usr/local/cuda/bin/nvcc)")")}
for lib in cublas cublasLt cudart; do
    ls "$CUDA_HOME"/lib64/lib$lib.so >/dev/null 2>&1 && continue
    found=$(python3 -c 'import nvidia,os; print("\n".join(os.path.join(p,d) for p in nvidia.__path__ for d in os.listdir(p)))' 2>/dev/null |
            while read -r d; do ls "$d"/lib/lib$lib.so.* 2>/dev/null; done | head -1)
    if [ -n "$found" ]; then
        mkdir -p /tmp/melgrad-cuda-links && ln -sf "$found" /tmp/melgrad-cuda-links/lib$lib.so
        export LIBRARY_PATH="/tmp/melgrad-cuda-links:${LIBRARY_PATH:-}" LD_LIBRARY_PATH="$(dirname "$found"):${LD_LIBRARY_PATH:-}"
        echo "lib$lib.so: not in $CUDA_HOME/lib64; using $found" >> "$OUT/env.txt"
    else
        echo "lib$lib.so: not found in $CUDA_HOME/lib64 nor in the Python nvidia packages" >> "$OUT/env.txt"
    fi
done
archs=${CUDA_ARCHS:--gencode arch=compute_90,code=sm_90}
make_args=(BUILD="$BUILD" CUDA_ARCHS="$archs")
[ -n "$BLAS_DIR" ] && make_args+=(BLAS_DIR="$BLAS_DIR")  # else the Makefile's own probe
{ nvcc --version; nvidia-smi; make -s config "${make_args[@]}"; } >> "$OUT/env.txt" 2>&1
summary "env: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'no GPU visible'); $(grep 'cuDNN' "$OUT/env.txt" | head -1)"

# --- build -------------------------------------------------------------------------------------------------
step build.log "$(limit_of build)" build make -j"$(nproc)" "${make_args[@]}" all "$BUILD/melgrad_tests" ||
    { tail -30 "$OUT/build.log"; exit 1; }
"$BUILD/melgrad" info >> "$OUT/env.txt" 2>&1
if ! grep -q "GPU present  : yes" "$OUT/env.txt"; then
    summary "melgrad info sees no GPU$([ "$DRY" = 1 ] && echo ' (expected in a dry run)'): the GPU tests report themselves skipped"
fi

# --- call 1: every GPU test once, one process each ---------------------------------------------------------
# One process per test case: each gets its own limit and summary line, and a crash, a hang or a sticky CUDA
# error in one cannot take the others with it. The GPU tests are the test cases named "cuda: ..." (doctest
# lists skip-decorated cases only with --no-skip). In a -tc filter a comma separates patterns: '?' stands in.
run_gpu_tests() {
    local names name pattern limit matches last n=0 passed=0 failed=0 skipped=0 total_limit start_all spent
    names=$("$BUILD/melgrad_tests" --no-skip --list-test-cases 2>/dev/null | grep '^cuda: ')
    [ -z "$names" ] && { summary "gpu tests: none listed by $BUILD/melgrad_tests"; return; }
    total_limit=$(( $(limit_of gpu-tests) * SCALE ))
    : > "$OUT/tests_gpu.log"
    summary "gpu tests: $(echo "$names" | grep -c .) test cases, $total_limit s in all"
    start_all=$(date +%s)
    while IFS= read -r name; do
        n=$((n + 1))
        pattern=${name//,/?}
        matches=$("$BUILD/melgrad_tests" --no-skip --list-test-cases -tc="$pattern" 2>/dev/null | grep -c '^cuda: ')
        if [ "$matches" != 1 ]; then
            summary "test $n: $name: its filter selects $matches test cases, not 1: not run"; failed=$((failed + 1)); continue
        fi
        case "$name" in
            *"training steps"*|*"deterministic-mode GPU runs"*) limit=75 ;;  # the CPU reference side: ~20 s
            *) limit=40 ;;
        esac
        spent=$(( $(date +%s) - start_all ))
        [ $(( (total_limit - spent) / SCALE )) -lt "$limit" ] && limit=$(( (total_limit - spent) / SCALE ))
        step tests_gpu.log "$limit" "test $n: $name" "$BUILD/melgrad_tests" -tc="$pattern"
        last=$(tail -1 "$OUT/tests_gpu.log")
        case "$last" in
            "tests: 1 passed, 0 failed") passed=$((passed + 1)); summary "    passed" ;;
            "tests: 0 passed, 0 failed") skipped=$((skipped + 1)); summary "    skipped (no GPU seen)" ;;
            *) failed=$((failed + 1)); summary "    FAILED ($last)" ;;
        esac
    done <<< "$names"
    summary "gpu tests: $n: $passed passed, $failed failed, $skipped skipped; details in tests_gpu.log"
}

# The dry run's extra checks: that the "cuda: " prefix catches every test this machine skips for lack of a
# GPU, and the CPU side of the training-step tests (the same setups, reference and fast path), timed.
dry_run_checks() {
    local all active
    all=$("$BUILD/melgrad_tests" --no-skip --list-test-cases 2>/dev/null | grep -v '^\[doctest\]\|^===' | sort)
    active=$("$BUILD/melgrad_tests" --list-test-cases 2>/dev/null | grep -v '^\[doctest\]\|^===' | sort)
    local missed
    missed=$(comm -23 <(echo "$all") <(echo "$active") | grep -v '^cuda: ')
    if [ -n "$missed" ]; then echo "$missed" | sed 's/^/dry run: skipped here but not in the GPU list: /' | tee -a "$OUT/summary.txt"
    else summary "dry run: every test case skipped here is in the GPU list (named 'cuda: ...')"; fi
    step tests_gpu.log 300 "dry run: CPU side of the training-step tests (tests/cuda/test_agreement_tolerances.cpp)" \
        "$BUILD/melgrad_tests" -tc='agreement tolerances:*'
}

if [ "$PART" = tests ]; then
    run_gpu_tests
    [ "$DRY" = 1 ] && dry_run_checks
fi

# --- call 2: the benchmark, one limit per part -------------------------------------------------------------
if [ "$PART" = bench ]; then
    export STEPS=${STEPS:-200}
    if [ "$DRY" = 1 ]; then
        # only the CPU-side part can run here: synthesis and preprocessing, on a tenth of the clips
        rm -rf /tmp/device_check_dry && mkdir -p /tmp/device_check_dry
        local_t0=$(date +%s.%N)
        step bench.log 120 "dry run: synth 100 clips (the GPU call makes 1,000)" "$BUILD/melgrad" synth-gtzan \
            -o /tmp/device_check_dry/synth --clips-per-genre 10 --seed 0
        step bench.log 60 "dry run: preprocess 100 clips" "$BUILD/melgrad" preprocess /tmp/device_check_dry/synth \
            -o /tmp/device_check_dry/data.mgd
        # both run on every core: 10x the clips, 16 / cores times the cores
        summary "dry run: projected there, synth + preprocess of 1,000 clips: $(awk -v a="$local_t0" -v b="$(date +%s.%N)" \
            -v c="$(nproc)" 'BEGIN{printf "%.0f", (b-a)*10*c/16}') s of the $(limit_of synth-preprocess-train30) s part; training 30 epochs gets the rest"
        summary "dry run: the GPU parts (throughput, predict --device cuda, train 30 epochs) need a GPU"
    else
        step bench.log "$(limit_of throughput-b32)" "throughput at batch 32 (melgrad eager, graph; PyTorch eager)" \
            env PARTS=throughput BATCHES=32 bash bench/gpu/run_gpu.sh
        step bench.log "$(limit_of predict)" "inference per 30 s clip, CNN on the GPU" \
            "$BUILD/melgrad" bench-predict --device cuda --reps 10
        step bench.log "$(limit_of synth-preprocess-train30)" "synth 1,000 clips, preprocess, train 30 epochs" \
            env PARTS=train30 bash bench/gpu/run_gpu.sh
    fi
    grep -E "^(batch|[0-9]+ |target|ms/clip|30 s WAV|synth wall|preprocess wall|train 30)" "$OUT/bench.log" |
        sed 's/^/    /' | tee -a "$OUT/summary.txt"
fi
summary "device_check PART=$PART done in $(( $(date +%s) - T0 )) s of $BUDGET; logs in $OUT/"
