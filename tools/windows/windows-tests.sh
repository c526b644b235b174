#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The Windows stage of ./test.sh: builds (or reuses) the cached prefix,
# cross-builds pipecalc in BUILD_DIR, and runs the windows suite under
# wine in the build's private wine prefix, stopping wine at the end.
# Extra arguments go to meson test.
#
# Usage: tools/windows/windows-tests.sh [BUILD_DIR] [MESON_TEST_ARGS...]
# PIPECALC_NATIVE_BUILD names the native build the Linux-client checks use.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-_build-win}
shift || true

started=$(date +%s)
echo "== Windows: the mingw-w64 prefix (GLib, GTK 3 and friends from Debian's sources)"
echo "   The first build takes about 23 minutes on 2 cores; each package is cached"
echo "   outside the work tree (\${PIPECALC_WINDOWS_CACHE:-/var/cache/pipecalc-windows})"
echo "   and rebuilt only when it or what it is built on changes."
prefix=$(tools/windows/build-prefix.sh --print-prefix)
cross=$prefix/share/pipecalc/cross-x86_64-w64-mingw32.ini

# A build configured against another prefix (older package versions) is
# set up again from scratch: a cross file cannot be changed in place.
if [ -f "$build/build.ninja" ] && [ "$(cat "$build/.pipecalc-prefix" 2>/dev/null)" != "$prefix" ]; then
  echo "== Windows: $build was configured for another prefix; setting it up again"
  rm -rf "$build"
fi
if [ ! -f "$build/build.ninja" ]; then
  setup_log=$(mktemp)
  meson setup "$build" --cross-file "$cross" >"$setup_log" 2>&1 \
    || { tail -n 30 "$setup_log" >&2; rm -f "$setup_log"; exit 1; }
  grep '^Message:' "$setup_log" || true
  rm -f "$setup_log"
  echo "$prefix" >"$build/.pipecalc-prefix"
fi
echo "== Windows: cross-building pipecalcd.exe, pipecalc-cli.exe, pipecalc.exe and the tests"
nice ninja -C "$build"

echo "== Windows: the bundle, its zip and the installer (tools/windows/package.sh)"
package_log=$(mktemp)
nice tools/windows/package.sh "$build" "$build/package" "$prefix" >"$package_log" 2>&1 \
  || { tail -n 30 "$package_log" >&2; rm -f "$package_log"; exit 1; }
grep '^package.sh:' "$package_log" || true
rm -f "$package_log"

export WINEPREFIX=$PWD/$build/wine WINEDEBUG=-all
status=0
echo "== Windows: the windows suite under wine (WINEPREFIX=$WINEPREFIX)"
meson test -C "$build" --suite windows --print-errorlogs --num-processes 2 "$@" || status=$?
wineserver -k 2>/dev/null || true
echo "== Windows: done in $(( $(date +%s) - started )) s"
exit $status
