#!/usr/bin/env bash
# Counts, per kernel, the fused multiply-adds in the PTX that nvcc emits for our .cu files, and the float
# multiplies/adds it would still be free to fuse (plain mul.f32/add.f32, not mul.rn/add.rn): with the
# Makefile's --fmad=false the second count is 0 everywhere, and the FMAs left are those written inside CUDA's
# own math functions (exp, log, tanhf...). docs/11-cuda-backend.md, "No FMA contraction", quotes its output.
#
#   tools/ptx_fma_audit.sh                   # as the Makefile builds (--fmad=false)
#   FMAD=true tools/ptx_fma_audit.sh         # what nvcc's default would do
set -euo pipefail
cd "$(dirname "$0")/.."
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
[ -x "$NVCC" ] || { echo "ptx_fma_audit: nvcc not found (set NVCC=/path/to/nvcc)" >&2; exit 1; }
FMAD=${FMAD:-false}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-28s %-40s %5s %14s\n' file kernel fma "fusable mul/add"
for cu in $(find framework -name '*.cu' | sort); do
    "$NVCC" -O2 -std=c++17 --fmad="$FMAD" -arch=sm_90 -I. -ptx "$cu" -o "$tmp/k.ptx"
    # One line per kernel: mangled name, FMAs, fusable multiplies/adds; then c++filt for a readable name.
    awk '
        /\.entry/ { name = $0; sub(/.*\.entry[ \t]+/, "", name); sub(/\(.*/, "", name); order[++n] = name }
        /fma\.rn\.f(32|64)/ { fma[name]++ }
        /[ \t](mul|add|sub)\.f(32|64)[ \t]/ { loose[name]++ }
        END { for (i = 1; i <= n; i++) printf "%s %d %d\n", order[i], fma[order[i]], loose[order[i]] }' "$tmp/k.ptx" |
        while read -r mangled f l; do
            name=$(echo "$mangled" | c++filt | sed -e 's/(anonymous namespace):://g' -e 's/(.*//' -e 's/[A-Za-z_0-9]*:://g' -e 's/^void //')
            printf '%-28s %-40s %5d %14d\n' "$(basename "$cu")" "$name" "$f" "$l"
        done
done
