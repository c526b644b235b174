#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer, runs every test (the 30 s soak included),
# builds, installs, runs and purges the Debian packages (as root),
# fuzzes each libFuzzer target for 15 s (PIPECALC_FUZZ_SECONDS), runs the
# benchmark for an instant, then cross-builds for Windows
# and runs the windows suite under wine (the first run also builds the
# cached mingw-w64 prefix with the GTK 3 stack, about 23 minutes on 2
# cores; later runs rebuild only the packages that changed), and ends with the line
# "N passed, N failed, N skipped". Extra arguments go to the native
# `meson test` (e.g. --suite unit) and leave out the benchmark and Windows.
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
# intercept_tls_get_addr=0: GCC 12's LeakSanitizer crashes ("Tracer
# caught signal 11") in any program that did a TLS handshake otherwise.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=66:fast_unwind_on_malloc=0:intercept_tls_get_addr=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0

status=0
meson test -C "$build" --print-errorlogs --num-processes 2 "$@" || status=$?

# The Debian package stage (tests/test-debian-package.sh): build the .debs,
# lintian, install, run, purge. Its TAP cases are counted with the rest.
package_log=$build/meson-logs/package-testlog.json
rm -f "$package_log"
if [ $# -eq 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    tools/install-deps.sh package || echo "note: the package stage's packages could not be installed"
  fi
  package_status=0
  tests/test-debian-package.sh >"$build/meson-logs/package.tap" || package_status=$?
  cat "$build/meson-logs/package.tap"
  [ "$package_status" -eq 0 ] || status=1
  python3 - "$build/meson-logs/package.tap" "$package_status" >"$package_log" <<'PY'
import json, sys
tap = open(sys.argv[1], encoding="utf-8").read()
result = "SKIP" if "1..0 # SKIP" in tap else ("OK" if sys.argv[2] == "0" else "FAIL")
print(json.dumps({"name": "debian-package", "result": result, "stdout": tap}))
PY
fi

# Each libFuzzer target for a short bounded time in its own clang build
# (tests/fuzz/run.sh); a crash fails the run. Their corpora and every
# crash found so far also replay in the suite above (suite fuzz).
if [ $# -eq 0 ]; then
  echo "Fuzzing each target for ${PIPECALC_FUZZ_SECONDS:-15} s:"
  tests/fuzz/run.sh --seconds "${PIPECALC_FUZZ_SECONDS:-15}" || status=1
fi

# The benchmark still builds and runs: every scenario for an instant, in
# its own optimised build, asserting nothing about speed (bench/run.sh).
if [ $# -eq 0 ]; then
  bench/run.sh --quick || status=1
fi

# The Windows build, when every test runs: the cached prefix, the cross
# build, and the windows suite under wine (tools/windows/windows-tests.sh).
logs=("$build/meson-logs/testlog.json")
if [ -f "$package_log" ]; then
  logs+=("$package_log")
fi
if [ $# -eq 0 ]; then
  rm -f _build-win/meson-logs/testlog.json
  PIPECALC_NATIVE_BUILD=$PWD/$build tools/windows/windows-tests.sh _build-win || status=1
  if [ -f _build-win/meson-logs/testlog.json ]; then
    logs+=(_build-win/meson-logs/testlog.json)
  fi
fi

# Count the individual test cases (TAP lines) of every test program.
python3 tools/count-tests.py "${logs[@]}"
exit $status
