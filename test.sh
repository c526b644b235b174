#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer, runs every test, and ends with the line
# "N passed, N failed". Extra arguments go to `meson test` (e.g. --suite unit).
set -euo pipefail
cd "$(dirname "$0")"

tools/install-deps.sh test

build=_build-test
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false \
    --buildtype=debug >/dev/null
fi
ninja -C "$build"

# Any sanitizer report fails the program that caused it, servers included.
# Full stacks in leak reports (GLib is built without frame pointers).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=66:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0

status=0
meson test -C "$build" --print-errorlogs --num-processes 2 "$@" || status=$?

# The benchmark still builds and runs: every scenario for an instant, in
# its own optimised build, asserting nothing about speed (bench/run.sh).
if [ $# -eq 0 ]; then
  bench/run.sh --quick || status=1
fi

# Count the individual test cases (TAP lines) of every test program.
python3 tools/count-tests.py "$build/meson-logs/testlog.json"
exit $status
