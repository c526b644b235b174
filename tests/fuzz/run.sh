#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Builds the libFuzzer targets of tests/fuzz with clang in their own build
# folder and runs each for a bounded time, one after the other (or all at
# once with --parallel). Fails when a target crashes, breaks one of its
# invariants or reports a sanitizer error; the crashing input is kept in
# the target's work folder (printed) and belongs, once understood, in
# tests/fuzz/regressions/TARGET/.
#
# Usage: tests/fuzz/run.sh [--seconds N] [--build DIR] [--out DIR]
#                          [--parallel] [TARGET...]
#   --seconds N  run time of each target (default 15)
#   --build DIR  the clang build folder (default _build-fuzz)
#   --out DIR    where each target's log (-print_final_stats=1) and the
#                inputs it found go (default DIR/fuzz-runs)
#   --parallel   run the targets at the same time
# Prints, per target, the executions, the run time and the corpus size.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=15
build=_build-fuzz
out=
parallel=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --parallel) parallel=1; shift ;;
    -h|--help) sed -n '5,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=(line-reader protocol client address eval)
fi
out=${out:-$build/fuzz-runs}

if ! command -v clang >/dev/null; then
  echo "run.sh: clang is missing (tools/install-deps.sh test installs it)" >&2
  exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ meson setup "$build" -Dfuzz=true \
    -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debugoptimized >/dev/null
fi
# Only what the targets need, not the whole project.
ninja_targets=()
for t in "${targets[@]}"; do
  ninja_targets+=("tests/fuzz/fuzz-$t")
done
for m in unix fifo tcp; do
  ninja_targets+=("transports/$m/libpctransport-$m.so")
done
ninja -C "$build" "${ninja_targets[@]}" >/dev/null

# A report of either sanitizer is a crash of the target; no leak check
# (a target keeps its transports for the whole run).
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export PIPECALC_TRANSPORT_PATH=$PWD/$build/transports
export G_DEBUG=fatal-criticals G_SLICE=always-malloc LC_ALL=C.UTF-8

max_len() {
  case "$1" in
    eval) echo 16384 ;;     # past muparser's 2048-byte token buffer and the 10000-byte limit
    protocol) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

run_one() {
  local t=$1 dir=$out/$1
  local dict=()
  mkdir -p "$dir/corpus" "$dir/artifacts"
  if [ -f "tests/fuzz/$t.dict" ]; then
    dict=(-dict="tests/fuzz/$t.dict")
  fi
  # New inputs go to the work corpus; the seeds and regressions are read.
  "$build/tests/fuzz/fuzz-$t" "${dict[@]}" \
    -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" \
    "$dir/corpus" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" \
    >"$dir/log" 2>&1
}

report() {
  local t=$1 status=$2 dir=$out/$1 execs time
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$dir/log" | tail -1)
  if [ "$status" -eq 0 ]; then
    printf '%-12s ok     %10s executions in %4s s, corpus %s files\n' "$t" \
      "${execs:-?}" "${time:-?}" "$(ls "$dir/corpus" | wc -l)"
  else
    printf '%-12s FAILED (exit %d) after %s executions; log: %s; input: %s\n' "$t" \
      "$status" "${execs:-?}" "$dir/log" "$(ls "$dir/artifacts"/* 2>/dev/null | head -1)"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|\*\*|.*runtime error)' "$dir/log" | head -5 | sed 's/^/    /'
  fi
}

status=0
if [ $parallel -eq 1 ]; then
  declare -A pids
  for t in "${targets[@]}"; do
    run_one "$t" & pids[$t]=$!
  done
  for t in "${targets[@]}"; do
    s=0; wait "${pids[$t]}" || s=$?
    report "$t" $s
    [ $s -eq 0 ] || status=1
  done
else
  for t in "${targets[@]}"; do
    s=0; run_one "$t" || s=$?
    report "$t" $s
    [ $s -eq 0 ] || status=1
  done
fi
exit $status
