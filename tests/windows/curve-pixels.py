#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""How many pixels of a picture, from row TOP down, have the graph's first
curve colour (pc_graph_view_palette's blue, #3584e4, within 60 per
channel, and opaque): enough of them means a curve was drawn.

Usage: curve-pixels.py PICTURE TOP
Prints the count. ImageMagick's convert reads the picture (PNG)."""

import subprocess
import sys

BLUE = (0x35, 0x84, 0xE4)


def main():
    picture, top = sys.argv[1], int(sys.argv[2])
    size = subprocess.run(["identify", "-format", "%w %h", picture], check=True,
                          capture_output=True, text=True, timeout=30).stdout.split()
    width, height = int(size[0]), int(size[1])
    pixels = subprocess.run(["convert", picture, "-depth", "8", "rgba:-"], check=True,
                            capture_output=True, timeout=30).stdout
    count = 0
    for row in range(top, height):
        line = pixels[row * width * 4:(row + 1) * width * 4]
        for at in range(0, len(line), 4):
            if line[at + 3] > 128 and all(abs(line[at + i] - BLUE[i]) <= 60 for i in range(3)):
                count += 1
    print(count)


if __name__ == "__main__":
    main()
