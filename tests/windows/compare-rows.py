#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""Checks, from three screenshots of the window (8-bit grey PGM), that the
result row of the second expression is drawn exactly as the result row of
the first: BEFORE (empty history), REFERENCE (after the literal 1024) and
RESULT (after the expression under test). Each new history entry is new
ink: pixels that turned darker (the default light theme), below anything
else that did (the entry field above it may change too; the empty list's
placeholder only goes lighter as it goes away): the last two bands of such
pixel rows, left of the rows' copy buttons, are the expression line and
the result line. The result lines
are cut to the columns that changed and compared pixel by pixel.

Usage: compare-rows.py BEFORE.pgm REFERENCE.pgm RESULT.pgm
Exit status 0 when the rows match, 1 with the reason otherwise."""
import sys

THRESHOLD = 48  # a grey difference that is ink, not noise
# Each row has a copy button at its right end, as tall as both of its
# lines: the rightmost pixels are left out, or the button would join the
# expression line and the result line into one band.
RIGHT_MARGIN = 80


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    at = 0
    while len(fields) < 4:
        while data[at:at + 1].isspace():
            at += 1
        if data[at:at + 1] == b"#":
            at = data.index(b"\n", at) + 1
            continue
        end = at
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    if fields[0] != b"P5" or int(fields[3]) != 255:
        sys.exit(f"{path}: not an 8-bit binary PGM")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[at + 1:at + 1 + width * height]
    return width, height, pixels


def changed_bands(a, b):
    """The bands of pixel rows where B is darker than A, each as
    (top, bottom, left, right), bottom and right exclusive."""
    width, height, pa = a
    _, _, pb = b
    bands = []
    current = None
    for y in range(height):
        row = range(y * width, (y + 1) * width - RIGHT_MARGIN)
        cols = [i - y * width for i in row if pa[i] - pb[i] > THRESHOLD]
        if cols:
            if current is None:
                current = [y, y + 1, min(cols), max(cols) + 1]
            else:
                current[1] = y + 1
                current[2] = min(current[2], min(cols))
                current[3] = max(current[3], max(cols) + 1)
        elif current is not None:
            bands.append(tuple(current))
            current = None
    if current is not None:
        bands.append(tuple(current))
    return bands


def crop(image, band):
    width, _, pixels = image
    top, bottom, left, right = band
    return [pixels[y * width + left:y * width + right] for y in range(top, bottom)]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    before, reference, result = (read_pgm(p) for p in sys.argv[1:])
    if not (before[:2] == reference[:2] == result[:2]):
        print("the screenshots differ in size (the window was resized)")
        return 1
    first = changed_bands(before, reference)
    second = changed_bands(reference, result)
    print(f"changed bands after the reference: {first}")
    print(f"changed bands after the expression: {second}")
    if len(first) < 2 or len(second) < 2:
        print("no new history entry (expression and result lines) appeared")
        return 1
    ref_band, res_band = first[-1], second[-1]
    if res_band[0] < ref_band[1]:
        print("the new entry is not below the reference entry")
        return 1
    a, b = crop(reference, ref_band), crop(result, res_band)
    if len(a) != len(b) or len(a[0]) != len(b[0]):
        print(f"the result lines differ in size: {len(a[0])}x{len(a)} "
              f"for the reference, {len(b[0])}x{len(b)} for the expression")
        return 1
    differing = sum(1 for ra, rb in zip(a, b) for pa, pb in zip(ra, rb)
                    if abs(pa - pb) > THRESHOLD)
    total = len(a) * len(a[0])
    print(f"result lines {len(a[0])}x{len(a)} px, {differing} of {total} pixels differ")
    if differing > total // 100:
        print("the result line differs from the reference's")
        return 1
    return 0


sys.exit(main())
