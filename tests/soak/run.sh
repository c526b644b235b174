#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The soak test for longer than the 30 s of ./test.sh, against the ASan
# build of ./test.sh (or another build folder): tests/soak/soak.py.
# Usage: tests/soak/run.sh [--minutes N] [--build DIR] [soak.py options]
#   --minutes N  how long (default 10)
#   --build DIR  a configured build folder (default _build-test, built if
#                needed)
set -euo pipefail
cd "$(dirname "$0")/../.."

minutes=10
build=_build-test
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false \
    --buildtype=debug >/dev/null
fi
ninja -C "$build" src/server/pipecalcd \
  transports/unix/libpctransport-unix.so transports/tcp/libpctransport-tcp.so \
  transports/fifo/libpctransport-fifo.so >/dev/null

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=66:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export PIPECALC_TRANSPORT_PATH=$PWD/$build/transports
export G_SLICE=always-malloc LC_ALL=C.UTF-8

exec python3 tests/soak/soak.py --seconds $((minutes * 60)) \
  --pipecalcd "$build/src/server/pipecalcd" ${extra[@]+"${extra[@]}"}
