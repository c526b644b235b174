#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Builds the named-pipe transport's Win32 core and its test with mingw-w64
# alone (no GLib, no cross prefix needed) and runs the test under wine, in a
# private WINEPREFIX that is stopped afterwards. TAP on standard output.
#   tests/windows/run-npipe-core.sh [BUILD-DIR]
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/_build-npipe-core}
cc=${MINGW_CC:-x86_64-w64-mingw32-gcc}
mkdir -p "$build"

# The flags of the project's own builds, warnings as errors.
nice "$cc" -std=c11 -O1 -g -Wall -Wextra -Werror -Wmissing-prototypes \
  -Wstrict-prototypes -Wshadow -Wformat=2 -Wundef \
  -I"$root/transports/npipe" \
  "$root/transports/npipe/pc-npipe-win32.c" \
  "$root/tests/windows/test-npipe-core.c" \
  -ladvapi32 -static -o "$build/test-npipe-core.exe"

# A WINEPREFIX of our own, kept between runs in the build directory: the
# first start in a fresh one takes 10 to 30 seconds.
WINEPREFIX=${WINEPREFIX:-$build/wineprefix}
WINEDEBUG=-all
WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES
trap 'wineserver -k 2>/dev/null || true' EXIT
status=0
# A hang is a failure too (timeout exits 124).
nice timeout "${NPIPE_CORE_TIMEOUT:-300}" wine "$build/test-npipe-core.exe" || status=$?
exit $status
