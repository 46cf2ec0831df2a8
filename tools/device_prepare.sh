#!/usr/bin/env bash
# Run HERE, before a session's first command on the GPU machine (the library's `device` tool), which has
# nvcc, the CUDA libraries and PyTorch but reaches no package registry. Fills .deps/ (ignored by git) with
# the recipe's env.sh and the .deb files melgrad's build needs, so that a `run` with carry [".deps"] can
# build there: see tools/device_check.sh, which is the one command to run on that machine.
# Our Makefile links the OpenMP build of OpenBLAS, so it is fetched on top of the recipe's default list.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared/device}
[ -f "$shared/env.sh" ] || { echo "device_prepare: $shared/env.sh not found (set SHARED=/path/to/shared/device)" >&2; exit 1; }
grep -qx '/.deps/' .git/info/exclude 2>/dev/null || echo '/.deps/' >> .git/info/exclude
mkdir -p .deps
cp "$shared/env.sh" .deps/
"$shared/fetch-debs.sh" .deps/debs libopenblas0-openmp libopenblas-openmp-dev
# the recipe's pthread OpenBLAS has the same soname: leave it out, so that only the OpenMP one can be loaded
rm -f .deps/debs/libopenblas0-pthread_*.deb .deps/debs/libopenblas-pthread-dev_*.deb
# what the build looks for, inside the .debs
root=$(mktemp -d)
for f in .deps/debs/*.deb; do dpkg -x "$f" "$root"; done
missing=0
for need in usr/include/doctest/doctest.h usr/include/stb/stb_image_write.h usr/include/sndfile.h usr/include/soxr.h \
            usr/include/x86_64-linux-gnu/openblas-openmp/cblas.h usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so; do
    [ -e "$root/$need" ] || { echo "device_prepare: missing $need in the .debs" >&2; missing=1; }
done
rm -rf "$root"
[ "$missing" = 0 ] && echo "device_prepare: .deps ready; on the GPU machine run: bash tools/device_check.sh (carry [\".deps\"])"
exit "$missing"
