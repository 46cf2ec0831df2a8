#!/usr/bin/env python3
"""make docs-check: fail when the docs name something that does not exist.

Checked in README.md and docs/*.md:
  * paths in backticks under framework/ audio/ experiments/ tests/ bench/ tools/ docs/ (optionally with
    :function or :line after them) must exist;
  * a backticked `name()` must be defined somewhere under framework/ audio/ experiments/ tests/;
  * `melgrad CMD` (in backticks or code blocks) must be a registered command (MELGRAD_COMMAND("CMD", ...));
  * `make TARGET` must be a Makefile target;
  * a tolerance quoted next to a test: in a paragraph (or list item) that names a test file under tests/ in
    backticks, every number written like 1e-4 or 3.4e-7 must appear in the C++ test files named in the same
    sentence (or else in the paragraph), so the book cannot drift from what the tests allow. Quote the test's
    own bound, or cite the test without the number; a sentence that says "measured" reports a run's figure.
Plain Python 3, no packages needed.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
SOURCE_DIRS = ["framework", "audio", "experiments", "tests", "bench", "tools"]

sources = []
for d in SOURCE_DIRS:
    for p in (ROOT / d).rglob("*"):
        if p.suffix in (".cpp", ".h", ".cu", ".cuh", ".py", ".sh"):
            sources.append(p.read_text(errors="replace"))
all_source = "\n".join(sources)
commands = set(re.findall(r'MELGRAD_COMMAND\(\s*"([\w-]+)"', all_source))
make_targets = set(re.findall(r"^([\w-]+)\s*:", (ROOT / "Makefile").read_text(), re.M))

path_re = re.compile(r"^(?:framework|audio|experiments|tests|bench|tools|docs|\.ci)/[\w./+-]*$")
errors = []
for doc in DOCS:
    if not doc.exists():
        continue
    text = doc.read_text()
    rel = doc.relative_to(ROOT)
    spans = re.findall(r"`([^`\n]+)`", text)
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, re.S)
    for span in spans:
        token = span.strip()
        head = token.split(":")[0]
        if path_re.match(head):
            if not (ROOT / head).exists():
                errors.append(f"{rel}: path `{head}` does not exist")
            elif ":" in token:
                fn = token.split(":", 1)[1].rstrip("()")
                if not fn.isdigit() and fn and fn not in (ROOT / head).read_text(errors="replace"):
                    errors.append(f"{rel}: `{fn}` is not in {head}")
        m = re.fullmatch(r"(?:[\w:]+::)?(\w+)\(\)", token)
        if m and not re.search(r"\b" + re.escape(m.group(1)) + r"\s*\(", all_source):
            errors.append(f"{rel}: function `{token}` is not defined in the sources")
    for chunk in spans + blocks:
        # (a word followed by "/" is a unit in pasted output, "melgrad ms/clip: 2.3", never a command)
        for cmd in re.findall(r"(?:^|[\s/])melgrad\s+([a-z][\w-]*)\b(?!/)", chunk, re.M):
            if cmd not in commands and cmd not in ("help",):
                errors.append(f"{rel}: command `melgrad {cmd}` is not registered")
        for tgt in re.findall(r"(?:^|\s)make\s+([a-z][\w-]*)", chunk, re.M):
            if tgt not in make_targets:
                errors.append(f"{rel}: `make {tgt}` is not a Makefile target")

# Tolerances quoted beside a test must be the test's own numbers. A sentence that says "measured" reports
# what a run printed, not a bound, and is left alone.
number_re = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?e-\d+)")
test_path_re = re.compile(r"`(tests/[\w./-]+)")


def cited_tests(chunk):  # the C++ tests named in a piece of text (fixture scripts hold other numbers)
    return [t for t in (m.split(":")[0] for m in test_path_re.findall(chunk))
            if t.endswith((".cpp", ".h")) and (ROOT / t).is_file()]


for doc in DOCS:
    if not doc.exists():
        continue
    rel = doc.relative_to(ROOT)
    text = re.sub(r"```.*?```", "", doc.read_text(), flags=re.S)
    for para in re.split(r"\n\s*\n|\n(?=\s*[-*] |\s*\d+\. )", text):
        para_tests = cited_tests(para)
        if not para_tests:
            continue
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z(`*])", para):
            if "measured" in sentence.lower():
                continue
            tests = cited_tests(sentence) or para_tests
            cited = "\n".join((ROOT / t).read_text(errors="replace") for t in tests)
            for num in number_re.findall(sentence):
                if num not in cited:
                    errors.append(f"{rel}: {num} is quoted beside {', '.join(tests)}, which never says {num}")

if errors:
    print("docs-check: FAILED")
    for e in sorted(set(errors)):
        print("  " + e)
    sys.exit(1)
print(f"docs-check: {len(DOCS)} files, every path, function, command and make target named exists")
