#!/usr/bin/env bash
# Opens a report page in headless Chromium and fails when any image on it did not load.
#   tests/experiments/check_report.sh runs/NAME/report.html [screenshot.png]
# How: a copy of the page gets a small script that, once the page has loaded, counts the <img> elements and
# those with naturalWidth == 0 (broken: bad base64, not a PNG, missing file) and writes the counts into the
# DOM; `chromium --dump-dom` prints that DOM. A second run takes a screenshot of the real page (kept when a
# path is given). Every Chromium call is under `timeout`, so the check cannot hang.
# Exit: 0 all images loaded, 1 a broken image / no images / no screenshot, 2 usage, 77 no Chromium installed.
set -euo pipefail
if [ $# -lt 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 REPORT.html [SCREENSHOT.png]  (report '${1:-}' not found)" >&2
    exit 2
fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "check_report: no chromium installed (apt-get install chromium)" >&2
    exit 77
fi
report=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shot=${2:-$tmp/screenshot.png}

checker='<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; });
  var p = document.createElement("pre");
  p.id = "report-check";
  p.textContent = "REPORT-CHECK images=" + imgs.length + " broken=" + broken.length + " [" +
                  broken.map(function (i) { return i.alt; }).join(" ") + "]";
  document.body.appendChild(p);
});
</script>'
# The checker goes just before </body> (or at the end when the page has none).
awk -v s="$checker" '{ if (!done && sub(/<\/body>/, s "</body>")) done = 1; print } END { if (!done) print s }' \
    "$report" > "$tmp/checked.html"

flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --disable-extensions
       --user-data-dir="$tmp/profile" --virtual-time-budget=5000)
timeout -k 2 20 "$browser" "${flags[@]}" --dump-dom "file://$tmp/checked.html" > "$tmp/dom.html" 2> "$tmp/err.log" || {
    echo "check_report: chromium failed or timed out on $report:" >&2; tail -5 "$tmp/err.log" >&2; exit 1; }
result=$(grep -o 'REPORT-CHECK images=[0-9]* broken=[0-9]* \[[^]]*\]' "$tmp/dom.html" || true)
if [ -z "$result" ]; then
    echo "check_report: the page did not finish loading in Chromium ($report)" >&2
    exit 1
fi
images=$(sed 's/.*images=\([0-9]*\).*/\1/' <<< "$result")
broken=$(sed 's/.*broken=\([0-9]*\).*/\1/' <<< "$result")

timeout -k 2 20 "$browser" "${flags[@]}" --hide-scrollbars --window-size=1100,3000 --screenshot="$shot" \
    "file://$report" > /dev/null 2>> "$tmp/err.log" || true
if [ ! -s "$shot" ]; then
    echo "check_report: no screenshot was written for $report" >&2
    exit 1
fi
echo "check_report: $report: $images images, $broken broken; screenshot $shot"
if [ "$images" -eq 0 ]; then echo "check_report: FAILED: the page has no images" >&2; exit 1; fi
if [ "$broken" -ne 0 ]; then echo "check_report: FAILED: broken images: $result" >&2; exit 1; fi
