#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Collects the Windows programs of a cross build and every DLL they need
# into one zip that runs from any folder on a bare Windows: pipecalcd.exe,
# pipecalc-cli.exe, the transport modules, and each DLL they import from
# the prefix, found by walking the import tables (objdump -p) recursively.
# DLLs that Windows itself provides (KERNEL32, WS2_32, the C runtime...)
# are not in the prefix and are left out.
#
# Usage: tools/windows/bundle.sh BUILD_DIR OUTPUT.zip [PREFIX]
#   PREFIX defaults to the one tools/windows/build-prefix.sh --print-prefix
#   names.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: bundle.sh BUILD_DIR OUTPUT.zip [PREFIX]}
output=${2:?usage: bundle.sh BUILD_DIR OUTPUT.zip [PREFIX]}
prefix=${3:-$("$here/build-prefix.sh" --print-prefix)}
objdump=x86_64-w64-mingw32-objdump

case $output in
  /*) ;;
  *) output=$PWD/$output ;;
esac

name=pipecalc-win64
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"

roots=("$build/src/server/pipecalcd.exe" "$build/src/cli/pipecalc-cli.exe")
shopt -s nullglob
roots+=("$build"/transports/*/libpctransport-*.dll)
shopt -u nullglob
for f in "${roots[@]}"; do
  [ -f "$f" ] || { echo "bundle.sh: $f is missing; build first" >&2; exit 1; }
  cp "$f" "$stage/$name/"
done

# GLib starts programs (the private server) through these helpers, which
# no import table names.
for helper in gspawn-win64-helper.exe gspawn-win64-helper-console.exe; do
  if [ -f "$prefix/bin/$helper" ]; then
    cp "$prefix/bin/$helper" "$stage/$name/"
    roots+=("$prefix/bin/$helper")
  fi
done

# Breadth-first over the import tables; a DLL name matches case-blind.
declare -A seen=()
queue=("${roots[@]}")
while [ ${#queue[@]} -gt 0 ]; do
  file=${queue[0]}
  queue=("${queue[@]:1}")
  while read -r dll; do
    key=${dll,,}
    [ -n "${seen[$key]:-}" ] && continue
    seen[$key]=1
    found=$(find "$prefix/bin" -maxdepth 1 -iname "$dll" -print -quit)
    if [ -n "$found" ]; then
      cp "$found" "$stage/$name/"
      queue+=("$found")
    fi
  done < <($objdump -p "$file" | sed -n 's/^[[:space:]]*DLL Name: //p')
done

rm -f "$output"
(cd "$stage" && zip -q -r "$output" "$name")
echo "bundle.sh: $output:"
(cd "$stage/$name" && ls -1)
