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
#                          [--timeout N] [--parallel] [--keep-going] [TARGET...]
#   --seconds N  run time of each target (default 15)
#   --build DIR  the clang build folder (default _build-fuzz)
#   --out DIR    where each target's log (-print_final_stats=1) and the
#                inputs it found go (default DIR/fuzz-runs)
#   --parallel   run the targets at the same time
#   --timeout N  seconds one input may take before it counts as a hang
#                (default 30: a wall-clock limit, and runs at nice 19 on
#                a busy machine get little CPU)
#   --keep-going for long runs: after a crash, start the target again
#                until its time is used; every crash input is kept in the
#                work folder, and the run still fails
# Prints, per target, the executions, the run time and the corpus size.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=15
timeout=30
build=_build-fuzz
out=
parallel=0
keep_going=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --parallel) parallel=1; shift ;;
    --keep-going) keep_going=1; shift ;;
    -h|--help) sed -n '5,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
  local t=$1 dir=$out/$1 start=$SECONDS left status=0 s
  local dict=()
  mkdir -p "$dir/corpus" "$dir/artifacts"
  : >"$dir/log"
  if [ -f "tests/fuzz/$t.dict" ]; then
    dict=(-dict="tests/fuzz/$t.dict")
  fi
  left=$seconds
  while [ "$left" -gt 0 ]; do
    # New inputs go to the work corpus; the seeds and regressions are read.
    s=0
    "$build/tests/fuzz/fuzz-$t" "${dict[@]}" \
      -max_total_time="$left" -max_len="$(max_len "$t")" -timeout="$timeout" \
      -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$dir/artifacts/" \
      "$dir/corpus" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" \
      >>"$dir/log" 2>&1 || s=$?
    [ $s -eq 0 ] || status=$s
    if [ $s -eq 0 ] || [ $keep_going -eq 0 ]; then
      break
    fi
    left=$((seconds - (SECONDS - start)))
  done
  echo "wall: $((SECONDS - start)) s" >>"$dir/log"
  return $status
}

report() {
  local t=$1 status=$2 dir=$out/$1 execs time crashes
  # Summed over the restarts of --keep-going.
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | awk '{n += $1} END {print n + 0}')
  time=$(sed -n 's/^wall: \([0-9]*\) s$/\1/p' "$dir/log" | tail -1)
  # slow-unit-* files are only the slowest inputs seen, not failures.
  crashes=$(find "$dir/artifacts" -type f ! -name 'slow-unit-*' | wc -l)
  if [ "$status" -eq 0 ]; then
    printf '%-12s ok     %10s executions in %5s s, corpus %s files, %s slow inputs kept\n' "$t" \
      "$execs" "$time" "$(ls "$dir/corpus" | wc -l)" "$(find "$dir/artifacts" -name 'slow-unit-*' | wc -l)"
  else
    printf '%-12s FAILED %10s executions in %5s s, %s crash inputs in %s; log: %s\n' "$t" \
      "$execs" "$time" "$crashes" "$dir/artifacts" "$dir/log"
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
