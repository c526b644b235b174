#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Makes what a Windows user downloads, from a cross build, in one command:
#   OUTDIR/pipecalc-VERSION-win64/          the bundle (tools/windows/bundle.sh)
#   OUTDIR/pipecalc-VERSION-win64.zip       the same, zipped
#   OUTDIR/pipecalc-VERSION-setup.exe       the installer (tools/windows/pipecalc.nsi)
#
# Usage: tools/windows/package.sh BUILD_DIR OUTDIR [PREFIX]
#   PREFIX defaults to the one tools/windows/build-prefix.sh --print-prefix
#   names.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: package.sh BUILD_DIR OUTDIR [PREFIX]}
outdir=${2:?usage: package.sh BUILD_DIR OUTDIR [PREFIX]}
prefix=${3:-$("$here/build-prefix.sh" --print-prefix)}

command -v makensis >/dev/null \
  || { echo "package.sh: makensis is missing (tools/install-deps.sh test installs nsis)" >&2; exit 1; }
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
build=$(cd "$build" && pwd)
version=$(meson introspect --projectinfo "$build" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
name=pipecalc-$version-win64
folder=$outdir/$name
setup=$outdir/pipecalc-$version-setup.exe

rm -rf "$folder" "$outdir/$name.zip" "$setup"
"$here/bundle.sh" "$build" "$folder" "$prefix"
(cd "$outdir" && zip -q -r "$name.zip" "$name")

# The installer lists every file and folder by name, for the uninstaller
# to remove exactly those (see pipecalc.nsi).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
winpath() { tr '/' '\\' <<<"$1"; }
{
  while read -r dir; do
    echo "SetOutPath \"\$INSTDIR\\$(winpath "$dir")\""
    find "$folder/$dir" -maxdepth 1 -type f -printf '%f\n' | sort | while read -r file; do
      echo "File \"$folder/$dir/$file\""
    done
  done < <(cd "$folder" && find . -mindepth 1 -type d | sed 's|^\./||' | sort)
  # Files at the top (none today) would come last.
  find "$folder" -maxdepth 1 -type f -printf '%f\n' | sort | while read -r file; do
    echo "SetOutPath \"\$INSTDIR\""
    echo "File \"$folder/$file\""
  done
} > "$work/files.nsh"
{
  (cd "$folder" && find . -type f | sed 's|^\./||' | sort) | while read -r file; do
    echo "Delete \"\$INSTDIR\\$(winpath "$file")\""
  done
  # Deepest folders first; RMDir without /r leaves a folder that is not
  # empty.
  (cd "$folder" && find . -mindepth 1 -type d | sed 's|^\./||' | sort -r) | while read -r dir; do
    echo "RMDir \"\$INSTDIR\\$(winpath "$dir")\""
  done
} > "$work/unfiles.nsh"

icon=$build/src/gui/pipecalc.ico
if [ ! -f "$icon" ]; then
  # A build without the window (a prefix without GTK): the icon is made
  # here, as the window's build makes it.
  "$here/../../data/windows/make-ico.sh" \
    "$here/../../data/icons/hicolor/scalable/apps/io.github.pipecalc.PipeCalc.svg" "$work/pipecalc.ico"
  icon=$work/pipecalc.ico
fi
size_kb=$(du -sk "$folder" | cut -f1)
makensis -V2 -NOCD \
  -DVERSION="$version" -DICON="$icon" -DSIZE_KB="$size_kb" \
  -DFILES="$work/files.nsh" -DUNFILES="$work/unfiles.nsh" -DOUTFILE="$setup" \
  "$here/pipecalc.nsi"
echo "package.sh: $outdir/$name.zip ($(du -h "$outdir/$name.zip" | cut -f1))"
echo "package.sh: $setup ($(du -h "$setup" | cut -f1))"
