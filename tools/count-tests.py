#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""Prints "N passed, N failed, N skipped" from meson's testlog.json files
(the native build's, and the Windows cross build's when given).

Each TAP test program holds many cases; each case counts once. A program
that crashed or failed without TAP output counts as one failure."""
import json
import re
import sys


def entries(paths):
    for path in paths:
        with open(path, encoding="utf-8") as log:
            for line in log:
                yield json.loads(line)


passed = failed = skipped = 0
for entry in entries(sys.argv[1:]):
    out = entry.get("stdout") or ""
    cases = re.findall(r"^(not ok|ok)\b(.*)$", out, re.M)
    if not cases:
        if entry["result"] in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif entry["result"] == "SKIP":
            skipped += 1
        else:
            failed += 1
        continue
    for verdict, rest in cases:
        if re.search(r"#\s*SKIP", rest, re.I):
            skipped += 1
        elif verdict == "ok":
            passed += 1
        else:
            failed += 1
    if entry["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and \
            not any(v == "not ok" for v, _ in cases):
        # The program died after its last case (a crash, a leak report).
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
