#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The desktop integration files pass their validators, as software centres,
# menus and distributions run them (TAP, one line per check):
#   the metainfo (appstreamcli validate --strict: no error, warning or info;
#     the one pedantic hint left is the upper case of the application ID,
#     which is also the GSettings schema and D-Bus name and stays);
#   the .desktop file (desktop-file-validate), with its Russian name and
#     comment and the application's icon;
#   the GSettings schema (glib-compile-schemas --strict);
#   the icons (xmllint; rendered by rsvg-convert at 128 and 16 px; loaded
#     by GdkPixbuf; the symbolic one 16x16 in a single colour).
#
#   tests/check-validate.sh SOURCE_ROOT BUILD_ROOT
set -eu

src=$1
build=$2
id=io.github.pipecalc.PipeCalc
n=0
status=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipecalc-validate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for tool in appstreamcli desktop-file-validate glib-compile-schemas xmllint rsvg-convert; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "Bail out! $tool is missing: run tools/install-deps.sh test (as root) or ./test.sh"
    exit 1
  fi
done

# check NAME COMMAND...: one TAP line; the command's output as diagnostics.
check () {
  name=$1
  shift
  n=$((n + 1))
  if "$@" >"$tmp/out" 2>&1; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"
    status=1
  fi
  sed 's/^/# /' "$tmp/out"
}

metainfo=$build/data/$id.metainfo.xml
desktop=$build/data/$id.desktop
scalable=$src/data/icons/hicolor/scalable/apps/$id.svg
symbolic=$src/data/icons/hicolor/symbolic/apps/$id-symbolic.svg

check "metainfo: appstreamcli validate --strict" \
  appstreamcli validate --strict --explain --no-net "$metainfo"
check "metainfo: summary and description in Russian" \
  sh -c '[ "$(grep -c "<summary xml:lang=\"ru\">" "$1")" -eq 1 ] &&
         grep -q "<p xml:lang=\"ru\">" "$1" && grep -q "<li xml:lang=\"ru\">" "$1"' sh "$metainfo"
check "metainfo: release matches meson.build's version" \
  sh -c 'v=$(sed -n "s/^  version: .\([0-9.]*\).,$/\1/p" "$1/meson.build");
         echo "meson.build: $v"; grep -q "<release version=\"$v\" date=" "$2"' sh "$src" "$metainfo"
check ".desktop: desktop-file-validate" desktop-file-validate "$desktop"
check ".desktop: Russian Name and Comment, the application's icon" \
  sh -c 'grep -q "^Name\[ru\]=." "$1" && grep -q "^Comment\[ru\]=." "$1" &&
         grep -q "^Keywords\[ru\]=." "$1" && grep -qx "Icon=$2" "$1"' sh "$desktop" "$id"
check "schema: glib-compile-schemas --strict" \
  glib-compile-schemas --strict --dry-run "$src/data"
for icon in "$scalable" "$symbolic"; do
  base=$(basename "$icon" .svg)
  check "$base.svg: well-formed XML" xmllint --noout "$icon"
  check "$base.svg: renders at 128 and 16 px" \
    sh -c 'rsvg-convert -w 128 -h 128 -o "$2/$3-128.png" "$1" &&
           rsvg-convert -w 16 -h 16 -o "$2/$3-16.png" "$1" &&
           [ -s "$2/$3-128.png" ] && [ -s "$2/$3-16.png" ]' sh "$icon" "$tmp" "$base"
  # GTK loads icons through GdkPixbuf, which tells SVG from other XML by
  # the first bytes only: comments before <svg> made it refuse the file.
  check "$base.svg: loads with GdkPixbuf, as GTK loads icons" \
    /usr/bin/python3 -c 'import sys, gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
GdkPixbuf.Pixbuf.new_from_file_at_size(sys.argv[1], 48, 48)' "$icon"
done
check "symbolic icon: 16x16, one colour" \
  sh -c 'grep -q "viewBox=\"0 0 16 16\"" "$1" &&
         colours=$(grep -o "#[0-9a-fA-F]\{3,6\}" "$1" | sort -u); echo "colours: $colours";
         [ "$(echo "$colours" | wc -l)" -eq 1 ]' sh "$symbolic"

echo "1..$n"
exit "$status"
