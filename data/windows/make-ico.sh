#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The .exe's icon (Explorer, the taskbar's first frame, the Start menu
# shortcut): the application's SVG rendered at the sizes Windows asks for
# and packed into one .ico. Usage: make-ico.sh ICON.svg OUTPUT.ico
set -eu
svg=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pngs=
for size in 16 24 32 48 64 256; do
  rsvg-convert -w "$size" -h "$size" -o "$tmp/$size.png" "$svg"
  pngs="$pngs $tmp/$size.png"
done
# shellcheck disable=SC2086
convert $pngs "$out"
