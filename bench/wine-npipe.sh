#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The named-pipe rows of bench/run.sh, under wine: pipecalcd.exe on
# npipe://./NAME against a raw named-pipe echo server
# (bench/pc-npipe-bench.c) measured in the same run, strict ping-pong and
# pipelined `2+2`, with bench/pc-npipe-bench.exe as the client. The rows
# go to the CSV as transport "npipe-wine": they are wine's figures (its
# named pipes go through wineserver) and say little about Windows.
#
#   bench/wine-npipe.sh                 these rows alone, for real: writes
#                                       bench/results/wine-npipe.{csv,md}
#                                       and prints the table
#   bench/wine-npipe.sh --quick --csv F  each row for an instant, appended
#                                       to F (what bench/run.sh --quick does)
#   bench/wine-npipe.sh --csv F          the full rows, appended to F
#
# It needs the cross build (_build-win, or PIPECALC_WIN_BUILD, relative to
# the source tree or absolute) and wine. A full run sets the cross build up
# when it is missing (the mingw-w64 prefix takes about 7 minutes the first
# time); --quick never builds the prefix:
# without a cross build it prints one line saying the rows are skipped, and
# exits 0. Wine runs in its own prefix, $BUILD/wine-bench (created on first
# use, about 10 s), so that the `wineserver -k` at the end stops only what
# this script started, never a test run's wine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=0
csv=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --csv) csv=${2:?--csv needs a file}; shift ;;
    *) echo "usage: bench/wine-npipe.sh [--quick] [--csv FILE]" >&2; exit 2 ;;
  esac
  shift
done

build=${PIPECALC_WIN_BUILD:-_build-win}
skip() { echo "bench: npipe-wine rows skipped: $*" >&2; exit 0; }

if ! command -v wine >/dev/null || ! command -v wineserver >/dev/null; then
  skip "wine is not installed (sudo apt-get install wine64)"
fi

# The mingw-w64 prefix the build was configured against: windows-tests.sh
# records it; otherwise it is three levels above the cross file.
prefix_of() {
  if [ -f "$build/.pipecalc-prefix" ]; then
    cat "$build/.pipecalc-prefix"
  else
    sed -n "s/^cross_file = \['\(.*\)'\]$/\1/p" "$build/meson-private/cmd_line.txt" 2>/dev/null \
      | xargs -r dirname | xargs -r dirname | xargs -r dirname
  fi
}

if [ $quick -eq 1 ]; then
  if [ ! -f "$build/build.ninja" ] || [ ! -f "$build/bench/pc-npipe-bench.exe" ]; then
    skip "no cross build with bench/pc-npipe-bench.exe in $build (--quick never builds the mingw-w64 prefix; tools/windows/windows-tests.sh or a full bench/run.sh does)"
  fi
  prefix=$(prefix_of)
  if [ -z "$prefix" ] || [ ! -d "$prefix/bin" ]; then
    skip "the mingw-w64 prefix of $build is no longer cached (--quick never builds it)"
  fi
else
  echo "bench: the mingw-w64 prefix for the npipe-wine rows (cached; about 7 minutes when it is not)" >&2
  prefix=$(tools/windows/build-prefix.sh --print-prefix)
  if [ -f "$build/build.ninja" ] && [ "$(prefix_of)" != "$prefix" ]; then
    echo "bench: $build was configured for another prefix; setting it up again" >&2
    rm -rf "$build"
  fi
  if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" --cross-file "$prefix/share/pipecalc/cross-x86_64-w64-mingw32.ini" >/dev/null
    echo "$prefix" >"$build/.pipecalc-prefix"
  fi
fi

# Only what is measured: pipecalcd.exe, the transports and the bench; up to
# date in a fraction of a second when nothing changed.
targets=$(meson introspect "$build" --targets | python3 -c '
import json, os, sys
for t in json.load(sys.stdin):
    if t["name"] in ("pipecalcd", "pc-npipe-bench") or t["type"] == "shared module":
        for f in t["filename"]:
            print(os.path.relpath(f, sys.argv[1]))' "$(cd "$build" && pwd)")
buildlog=$(mktemp)
# shellcheck disable=SC2086
if ! nice ninja -C "$build" $targets >"$buildlog" 2>&1; then
  cat "$buildlog" >&2
  rm -f "$buildlog"
  exit 1
fi
rm -f "$buildlog"

case $build in /*) dir=$build ;; *) dir=$root/$build ;; esac
server=$dir/src/server/pipecalcd.exe
bench=$dir/bench/pc-npipe-bench.exe
export WINEPREFIX=$dir/wine-bench WINEDEBUG=-all WINEPATH="Z:$prefix/bin"
export PIPECALC_TRANSPORT_PATH=$dir/transports

if [ $quick -eq 1 ]; then
  secs=0.2; count=2000
else
  secs=5; count=200000
fi

work=$(mktemp -d /tmp/pipecalc-wine-bench-XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wineserver -k 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$csv" ]; then
  mkdir -p bench/results
  csv=$root/bench/results/wine-npipe.csv
  echo "scenario,kind,transport,target,pinning,metric,value,unit" >"$csv"
  standalone=1
else
  standalone=0
fi

load_before=$(cut -d' ' -f1 /proc/loadavg)
started=$(date +%s.%N)

# start WHAT NAME: pipecalcd.exe or the echo, until its log says ready
# (the first wine start in a new prefix takes about 10 s).
server_pid=""
start() {
  local what=$1 name=$2 log=$work/$1.log
  if [ "$what" = pipecalcd ]; then
    timeout 1000 nice wine "$server" --listen "npipe://./$name" >"$log" 2>&1 </dev/null &
  else
    timeout 1000 nice wine "$bench" echo --max-seconds 900 "$name" >"$log" 2>&1 </dev/null &
  fi
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 600); do
    grep -q ready "$log" 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench/wine-npipe.sh: $what did not start under wine:" >&2
  cat "$log" >&2
  exit 1
}

stop() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

# record SCENARIO TARGET -- pc-npipe-bench args...
record() {
  local scenario=$1 target=$2 out
  shift 3
  if ! out=$(timeout 300 nice wine "$bench" "$@" </dev/null | tr -d '\r'); then
    echo "bench/wine-npipe.sh: failed: pc-npipe-bench.exe $*" >&2
    exit 1
  fi
  [ -n "$out" ] || { echo "bench/wine-npipe.sh: no figures from pc-npipe-bench.exe $*" >&2; exit 1; }
  while read -r metric value unit; do
    echo "$scenario,trivial,npipe-wine,$target,unpinned,$metric,$value,$unit" >>"$csv"
  done <<<"$out"
  [ $quick -eq 1 ] || echo "  $scenario npipe-wine $target: $(tr '\n' ' ' <<<"$out")" >&2
}

for target in pipecalcd raw; do
  name=pcbench-$target-$$
  if [ $target = pipecalcd ]; then start pipecalcd "$name"; else start echo "$name"; fi
  record pingpong "$target" -- pingpong --seconds "$secs" "$name"
  record pipeline "$target" -- pipeline --count "$count" --seconds 120 "$name"
  stop
done

wineserver -k 2>/dev/null || true
echo "bench: npipe-wine rows under $(wine --version 2>/dev/null | head -n1) in $(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { printf "%.1f", a - b }') s" >&2

if [ $standalone -eq 1 ]; then
  machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r), $(wine --version 2>/dev/null | head -n1); load average $load_before before the run"
  python3 bench/report.py "$csv" "$machine" bench/results/wine-npipe.md
  cat bench/results/wine-npipe.md
fi
