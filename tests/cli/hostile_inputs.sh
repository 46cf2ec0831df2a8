#!/usr/bin/env bash
# Runs melgrad's commands on a folder of hostile inputs (generated here, nothing large is committed) and checks
# what issue 13 asks of every one: a non-zero exit that is not a signal, no hang (a timeout), one line on
# stderr that names the file or the flag, and no output file (or PATH.tmp) left behind.
#
#   tests/cli/hostile_inputs.sh [build/melgrad]      (make test runs it; so does make test SANITIZE=...)
set -uo pipefail
MELGRAD=$(realpath "${1:-build/melgrad}")
WORK=$(mktemp -d /tmp/melgrad_hostile_cli.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
pass=0 fail=0

# expect NAME TOKEN OUTPUT -- COMMAND...   (OUTPUT: a path that must not exist afterwards, or -)
expect() {
    local name=$1 token=$2 output=$3; shift 4
    local err rc lines
    ${RUNNER:-} timeout 20 "$MELGRAD" "$@" >/dev/null 2>stderr.txt
    rc=$?
    err=$(cat stderr.txt)
    lines=$(grep -c . stderr.txt)
    local why=""
    if [ $rc -eq 124 ]; then why="hung (timeout)"
    elif [ $rc -ge 128 ]; then why="killed by signal $((rc - 128))"
    elif [ $rc -eq 0 ]; then why="exit 0"
    elif [ "$lines" -ne 1 ]; then why="$lines lines on stderr"
    elif [[ "$err" != *"$token"* ]]; then why="message does not name '$token'"
    elif [ "$output" != - ] && [ -e "$output" ]; then why="left $output behind"
    elif compgen -G "$WORK/*.tmp" >/dev/null || compgen -G "$WORK/*/*.tmp" >/dev/null; then why="left a .tmp file"
    fi
    if [ -z "$why" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL $name: $why (rc $rc): $err"; fi
}

# A disk that fills up in the middle of a write: with a file-size limit of 4 KB (ulimit -f), write() fails
# with EFBIG once a file passes it, as a full disk fails with ENOSPC (SIGXFSZ ignored: a full disk sends none).
# Usage: RUNNER=disk_full_after_4k expect ...
disk_full_after_4k() { ( ulimit -f 4; trap '' XFSZ; exec "$@" ); }

# ---- the inputs ------------------------------------------------------------------------------------------
mkfifo fifo
python3 - <<'PY'
import struct
def wav_f32(path, value, n):
    data = struct.pack('<%df' % n, *([value] * n))
    fmt = struct.pack('<HHIIHH', 3, 1, 22050, 22050 * 4, 4, 32)
    body = b'WAVE' + b'fmt ' + struct.pack('<I', 16) + fmt + b'data' + struct.pack('<I', len(data)) + data
    open(path, 'wb').write(b'RIFF' + struct.pack('<I', len(body)) + body)
wav_f32('loud.wav', 3e38, 44100)
wav_f32('quiet.wav', 0.1, 44100)
open('broken.au', 'wb').write(b'.snx' + struct.pack('>5I', 24, 20, 3, 8000, 1) + bytes(20))
models = {'huge_conv.txt': 'input 1 128 128\nconv2d out=2147483647 kernel=3\n',
          'huge_input.txt': 'input 1 99999999999 128\nflatten\n',
          'pool_stride0.txt': 'input 1 8 8\navgpool2d kernel=2 stride=0\n',
          'bn_eps.txt': 'input 1 8 8\nbatchnorm2d eps=-1\n'}
for name, text in models.items(): open(name, 'w').write(text)
PY
"$MELGRAD" synth-gtzan -o syn --clips-per-genre 3 --seconds 3 --threads 1 >/dev/null 2>&1
"$MELGRAD" preprocess syn -o syn.mgd --threads 1 >/dev/null 2>&1
python3 - <<'PY'
data = bytearray(open('syn.mgd', 'rb').read())
data[12:16] = b'\xff\xff\xff\xff'  # n_clips = 2^32 - 1
open('huge_count.mgd', 'wb').write(data)
PY
mkdir -p fiforun && mkfifo fiforun/model.ckpt && mkfifo fiforun/metrics.csv
mkdir -p "own/rock/live set" own/pop onefolder/only  # your own data: a folder per class (docs/07-experiment.md)
cp syn/genres_original/blues/blues.00000.wav "own/rock/live set/a b.wav"
cp syn/genres_original/pop/pop.00000.wav own/pop/c.wav
"$MELGRAD" preprocess own -o own.mgd --threads 1 >/dev/null 2>&1
mkdir -p badfma/fma_metadata badfma/fma_small && printf 'a,b\n1,2\n' > badfma/fma_metadata/tracks.csv

# ---- the commands ----------------------------------------------------------------------------------------
expect fifo-checkpoint   fifo            -  -- predict fifo quiet.wav
expect devzero-checkpoint /dev/zero      -  -- predict /dev/zero quiet.wav
expect fifo-dataset      fifo            run1 -- train --data fifo --out run1 --epochs 1
expect fifo-model        fifo            run2 -- train --data syn.mgd --model fifo --out run2 --epochs 1
expect fifo-run-ckpt     fiforun/model.ckpt - -- eval fiforun
expect fifo-metrics      fiforun/metrics.csv - -- plot-curves fiforun
expect huge-count        huge_count.mgd  run3 -- train --data huge_count.mgd --out run3 --epochs 1
expect huge-conv         huge_conv.txt:2 -  -- summary --model huge_conv.txt
expect huge-input        huge_input.txt:1 - -- summary --model huge_input.txt
expect pool-stride0      pool_stride0.txt:2 - -- summary --model pool_stride0.txt
expect bn-eps            bn_eps.txt:2    -  -- summary --model bn_eps.txt
expect broken-au         broken.au       m1.npy -- mel broken.au -o m1.npy
expect loud-wav          loud.wav        m2.npy -- mel loud.wav -o m2.npy
expect hop-0             hop_length      m3.npy -- mel quiet.wav -o m3.npy --hop-length 0
expect spec-hop-0        hop_length      s.png -- spectrogram quiet.wav -o s.png --hop-length 0
expect threads-huge      --threads       m4.npy -- mel quiet.wav -o m4.npy --threads 100000
expect fmin-nan          --fmin          m5.npy -- mel quiet.wav -o m5.npy --fmin nan
expect sr-huge           "target sample rate" m6.npy -- mel quiet.wav -o m6.npy --sr 700000000
expect sr-wrap           --sr            m7.npy -- mel quiet.wav -o m7.npy --sr 2147483648
expect epochs-wrap       --epochs        run4 -- train --data syn.mgd --out run4 --epochs 4294967297
expect batch-wrap        --batch         run5 -- train --data syn.mgd --out run5 --batch 4294967328
expect max-batches-neg   --max-batches   run6 -- train --data syn.mgd --out run6 --max-batches -5
expect stray-argument    stray           run7 -- train --data syn.mgd --out run7 stray
expect bucket-zero       --bucket-mb     run8 -- train --data syn.mgd --out run8 --bucket-mb 0
expect bucket-nan        --bucket-mb     run9 -- train --data syn.mgd --out run9 --bucket-mb nan
expect bench-ar-bucket   --bucket-mb     -    -- bench-allreduce --bucket-mb 0
expect mel-dev-full      /dev/full       -  -- mel quiet.wav -o /dev/full
expect spec-dev-full     /dev/full       -  -- spectrogram quiet.wav -o /dev/full
expect fbank-dev-full    /dev/full       -  -- filterbank -o /dev/full
RUNNER=disk_full_after_4k expect mel-disk-full m8.npy m8.npy -- mel quiet.wav -o m8.npy
RUNNER=disk_full_after_4k expect spec-disk-full s8.png s8.png -- spectrogram quiet.wav -o s8.png
RUNNER=disk_full_after_4k expect fbank-disk-full f8.png f8.png -- filterbank -o f8.png
expect mel-no-folder     no/such/dir     -  -- mel quiet.wav -o no/such/dir/m.npy
expect layout-bogus      --layout        o1.mgd -- preprocess own -o o1.mgd --layout imagenet
expect classes-missing   own/jazz        o2.mgd -- preprocess own -o o2.mgd --classes rock,jazz
expect classes-empty     "empty class"   o3.mgd -- preprocess own -o o3.mgd --classes rock,,pop
expect offset-negative   --offset        o4.mgd -- preprocess own -o o4.mgd --offset -1
expect one-class         "onefolder: 1 class folder" o5.mgd -- preprocess onefolder -o o5.mgd
expect own-fault-filtered "is not GTZAN" run8 -- train --data own.mgd --split fault-filtered --out run8 --epochs 1
expect fma-bad-csv       tracks.csv      o6.mgd -- preprocess badfma -o o6.mgd
expect own-split-fma     "has none"      run9 -- train --data own.mgd --split fma --out run9 --epochs 1
[ -c /dev/full ] || { echo "FAIL: /dev/full is no longer a device"; fail=$((fail + 1)); }

echo "hostile inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
