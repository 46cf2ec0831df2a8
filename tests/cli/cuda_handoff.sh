#!/usr/bin/env bash
# build/melgrad links no CUDA library; a command that will use the GPU starts again as build/melgrad-cuda
# (framework/cuda/handoff.h). Checked from outside, with the dynamic loader's own log (LD_DEBUG=libs): a
# process that loads the CUDA runtime logs "calling init: .../libcudart...".
#
#   tests/cli/cuda_handoff.sh [build/melgrad]      (make test runs it; KEEP=1 keeps its work folder)
set -uo pipefail
MELGRAD=$(realpath "${1:-build/melgrad}")
CUDA_BUILD="$(dirname "$MELGRAD")/melgrad-cuda"
WORK=$(mktemp -d /tmp/melgrad_cuda_handoff.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
pass=0 fail=0 skipped=""

# verify NAME COMMAND...: passes when COMMAND succeeds; else prints NAME and the last run's messages
verify() {
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL cuda hand-off: $name (exit $rc): $(messages "$last" | tail -3)"; fi
}
# run NAME COMMAND...: its exit status in $rc; its output and the loader's log in NAME.txt
run() {
    last=$1; shift
    LD_DEBUG=libs timeout 60 "$@" >"$last.txt" 2>&1
    rc=$?
}
messages() { grep -v '^ *[0-9]*:' "$1.txt"; }  # the program's own lines, without the loader's log
said() { messages "$1" | grep -qF "$2"; }
loaded_cudart() { grep -q 'calling init: .*libcudart' "$1.txt"; }
not() { ! "$@"; }
exited() { [ "$rc" -eq "$1" ]; }

last=needed rc=0
readelf -d "$MELGRAD" | grep -E 'NEEDED.*(libcudart|libcublas|libcudnn)' >needed.txt
verify "build/melgrad links no CUDA library" not test -s needed.txt

if [ ! -x "$CUDA_BUILD" ]; then
    skipped="no $CUDA_BUILD (a CPU-only build): the hand-off is not built"
elif "$MELGRAD" info | grep -q 'GPU present  : yes'; then
    skipped="a GPU is present: tools/device_check.sh runs the GPU commands"
else
    # a run with a checkpoint and a clip: train (its --device is auto by default) on a tiny synthetic set
    "$MELGRAD" synth-gtzan -o syn --clips-per-genre 1 --seconds 3 --threads 1 >/dev/null 2>&1
    "$MELGRAD" preprocess syn -o syn.mgd --threads 1 >/dev/null 2>&1
    clip=syn/genres_original/blues/blues.00000.wav
    run train "$MELGRAD" train --data syn.mgd --model tiny-cnn --out run --epochs 1 --max-batches 1 --threads 1
    verify "train, auto, no GPU: trains" exited 0
    verify "train, auto, no GPU: says so" said train 'device: auto -> cpu (no GPU found)'
    verify "train, auto, no GPU: never loads the CUDA runtime" not loaded_cudart train

    run cuda "$MELGRAD" predict run/model.ckpt "$clip" --device cuda
    verify "predict --device cuda: handed to melgrad-cuda" loaded_cudart cuda
    verify "predict --device cuda, no GPU: melgrad-cuda says so" said cuda 'no CUDA GPU is visible'

    run gpu_bench "$MELGRAD" bench-train-gpu --steps 1
    verify "bench-train-gpu: handed to melgrad-cuda, which finds no GPU" said gpu_bench 'no GPU found'

    # a stand-in NVIDIA driver that reports one GPU: --device auto must now go to melgrad-cuda (whose CUDA
    # runtime then finds no real driver behind it and runs on the CPU)
    mkdir driver
    printf 'int cuInit(unsigned f) { return 0; }\nint cuDeviceGetCount(int* n) { *n = 1; return 0; }\n' >driver/fake.c
    cc -shared -fPIC -o driver/libcuda.so.1 driver/fake.c
    run auto_gpu env LD_LIBRARY_PATH="$WORK/driver" "$MELGRAD" predict run/model.ckpt "$clip" --device auto
    verify "predict --device auto, a driver reports a GPU: predicts" exited 0
    verify "predict --device auto, a driver reports a GPU: handed to melgrad-cuda" loaded_cudart auto_gpu
    run cpu_gpu env LD_LIBRARY_PATH="$WORK/driver" "$MELGRAD" predict run/model.ckpt "$clip" --device cpu
    verify "predict --device cpu, a driver reports a GPU: predicts" exited 0
    verify "predict --device cpu, a driver reports a GPU: stays in build/melgrad" not loaded_cudart cpu_gpu
fi
echo "cuda hand-off: $pass passed, $fail failed${skipped:+ (skipped: $skipped)}"
[ "$fail" -eq 0 ]
