#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The benchmark of docs/performance.md, in one run: builds an optimised
# pipecalc (buildtype=release, no sanitizers) in its own folder, measures
# every scenario against pipecalcd, the raw limit of each transport (a
# trivial echo over a bare socket or FIFO pair) and the hand-written epoll
# reference server (bench/pc-reference-server.c), plus pipecalcd.exe over
# named pipes under wine against a raw named-pipe echo (bench/wine-npipe.sh,
# when the cross build and wine are there), and prints a Markdown table with
# absolute figures and each figure's ratio to the raw baseline and to the
# reference measured in the same run. Writes the CSV and the table to
# bench/results/ and draws the charts into docs/.
#
#   bench/run.sh           the full run (about ten minutes)
#   bench/run.sh --quick   every scenario for an instant, nothing kept: it
#                          proves the benchmark works and asserts no speed
#
# Traffic goes only to loopback and to files in a private temporary folder;
# every client loop is bounded in count and time, and every server started
# here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
esac

# ---- Tools ------------------------------------------------------------------

tools/install-deps.sh build >/dev/null
need=()
command -v socat >/dev/null || need+=(socat)
command -v taskset >/dev/null || need+=(util-linux)
if [ $quick -eq 0 ]; then
  command -v gnuplot >/dev/null || need+=(gnuplot-nox)
  command -v Xvfb >/dev/null || need+=(xvfb)
  command -v xdotool >/dev/null || need+=(xdotool)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench/run.sh needs: ${need[*]} (sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# ---- Build ------------------------------------------------------------------

build=_build-bench-release
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=release -Db_sanitize=none >/dev/null
fi
# Only what is measured: the GUI is built when its start-up is timed.
targets=$(meson introspect "$build" --targets | python3 -c '
import json, os, sys
wanted = {"pipecalcd", "pipecalc-cli", "pipecalc-bench", "pc-reference-server", "pc-sample-bench"}
if sys.argv[1] == "0":
    wanted |= {"pipecalc", "gui_schemas"}
for t in json.load(sys.stdin):
    if t["name"] in wanted or t["type"] == "shared module":
        for f in t["filename"]:
            print(os.path.relpath(f, sys.argv[2]))' $quick "$PWD/$build")
buildlog=$(mktemp)
# shellcheck disable=SC2086
if ! ninja -C "$build" $targets >"$buildlog" 2>&1; then
  cat "$buildlog" >&2
  rm -f "$buildlog"
  exit 1
fi
rm -f "$buildlog"

bench=$root/$build/bench/pipecalc-bench
refsrv=$root/$build/bench/pc-reference-server
server=$root/$build/src/server/pipecalcd
cli=$root/$build/src/cli/pipecalc-cli
gui=$root/$build/src/gui/pipecalc
export PIPECALC_TRANSPORT_PATH=$root/$build/transports

# ---- Durations ---------------------------------------------------------------

if [ $quick -eq 1 ]; then
  secs=0.2; count=2000; batch_count=20; conns=20; runs=2; clients_list="1 4"
else
  secs=3; count=200000; batch_count=2000; conns=1000; runs=20; clients_list="1 4 16 64"
fi

# ---- Housekeeping --------------------------------------------------------------

work=$(mktemp -d /tmp/pipecalc-bench-XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ $quick -eq 1 ]; then
  results=$work/results
  charts=""
else
  results=$root/bench/results
  charts=$root/docs
fi
mkdir -p "$results"
csv=$results/bench.csv
echo "scenario,kind,transport,target,pinning,metric,value,unit" > "$csv"

# Many idle connections need descriptors on both ends.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((2 * conns + 100)) ]; then
  conns=$(( ($(ulimit -n) - 100) / 2 ))
  echo "note: ulimit -n allows only $conns connections for the memory scenario" >&2
fi

transports=$("$server" --list-transports 2>/dev/null | awk '{print $1}')
has() { grep -qx "$1" <<<"$transports"; }

address_of() {  # transport name -> address inside $work
  case $1 in
    unix) echo "unix:$work/$2.sock" ;;
    tcp) echo "tcp://127.0.0.1:$3" ;;
    fifo) echo "fifo:$work/$2.fifo" ;;
  esac
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_ready ADDRESS: until a connection succeeds (at most 10 s).
wait_ready() {
  for _ in $(seq 100); do
    if "$bench" pipeline --count 1 --seconds 1 "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "bench/run.sh: nothing answers at $1" >&2
  exit 1
}

server_pid=""
# start_server NAME PIN ADDRESS [env...]: pipecalcd or the reference.
start_server() {
  local what=$1 pin=$2 address=$3
  shift 3
  local prefix=()
  [ "$pin" = pinned ] && prefix=(taskset -c 0)
  if [ "$what" = pipecalcd ]; then
    env "$@" "${prefix[@]}" "$server" --listen "$address" --max-clients 5000 \
      2>>"$work/server.log" &
  else
    case $address in
      unix:*) "${prefix[@]}" "$refsrv" --unix "${address#unix:}" --max-seconds 900 >/dev/null & ;;
      tcp://*) "${prefix[@]}" "$refsrv" --tcp "${address##*:}" --max-seconds 900 >/dev/null & ;;
    esac
  fi
  server_pid=$!
  pids+=("$server_pid")
  wait_ready "$address"
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# record SCENARIO KIND TRANSPORT TARGET PINNING -- pipecalc-bench args...
record() {
  local scenario=$1 kind=$2 transport=$3 target=$4 pinning=$5
  shift 6
  local prefix=()
  [ "$pinning" = pinned ] && prefix=(taskset -c 0)
  local out
  if ! out=$("${prefix[@]}" "$bench" "$@"); then
    echo "bench/run.sh: failed: pipecalc-bench $*" >&2
    exit 1
  fi
  while read -r metric value unit; do
    echo "$scenario,$kind,$transport,$target,$pinning,$metric,$value,$unit" >> "$csv"
  done <<<"$out"
  [ $quick -eq 1 ] || echo "  $scenario $kind $transport $target $pinning: $(tr '\n' ' ' <<<"$out")" >&2
}

# Other work on the machine moves every figure: say how busy it was.
load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "bench/run.sh: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r), load average $load_before" >&2

# ---- 1. ping-pong, one client, every transport, pinned and unpinned ----------

for t in unix tcp fifo; do
  has "$t" || continue
  for pin in unpinned pinned; do
    port=$(free_port)
    addr=$(address_of "$t" "pc-$pin" "$port")
    start_server pipecalcd "$pin" "$addr"
    for kind in trivial distinct; do
      record pingpong "$kind" "$t" pipecalcd "$pin" -- pingpong --seconds "$secs" --kind "$kind" "$addr"
    done
    stop_server
    if [ "$t" != fifo ]; then
      port=$(free_port)
      addr=$(address_of "$t" "ref-$pin" "$port")
      start_server reference "$pin" "$addr"
      for kind in trivial distinct; do
        record pingpong "$kind" "$t" reference "$pin" -- pingpong --seconds "$secs" --kind "$kind" "$addr"
      done
      stop_server
    fi
    record pingpong trivial "$t" raw "$pin" -- pingpong --seconds "$secs" "raw-$t"
  done
done

# ---- 2. concurrent ping-pong clients (unix, unpinned) --------------------------

addr=$(address_of unix pc-conc 0)
start_server pipecalcd unpinned "$addr"
for n in $clients_list; do
  for kind in trivial distinct; do
    record "clients-$n" "$kind" unix pipecalcd unpinned -- pingpong --clients "$n" --seconds "$secs" --kind "$kind" "$addr"
  done
done
stop_server
# The same server on one main loop: what the worker threads buy.
addr=$(address_of unix pc-conc1 0)
start_server pipecalcd unpinned "$addr" PIPECALC_WORKERS=0
for n in $clients_list; do
  for kind in trivial distinct; do
    record "clients-$n" "$kind" unix pipecalcd-1loop unpinned -- pingpong --clients "$n" --seconds "$secs" --kind "$kind" "$addr"
  done
done
stop_server
addr=$(address_of unix ref-conc 0)
start_server reference unpinned "$addr"
for n in $clients_list; do
  for kind in trivial distinct; do
    record "clients-$n" "$kind" unix reference unpinned -- pingpong --clients "$n" --seconds "$secs" --kind "$kind" "$addr"
  done
done
stop_server
for n in $clients_list; do
  record "clients-$n" trivial unix raw unpinned -- pingpong --clients "$n" --seconds "$secs" raw-unix
done

# ---- 3 and 4. pipelined requests: the expression mix ---------------------------

kinds_plain="trivial func multi error distinct"
kinds_json="json-trivial json-func batch"
n_for() { [ "$1" = batch ] && echo "$batch_count" || echo "$count"; }
for t in unix tcp fifo; do
  has "$t" || continue
  port=$(free_port)
  addr=$(address_of "$t" pc-pipe "$port")
  start_server pipecalcd unpinned "$addr"
  if [ "$t" = unix ]; then kinds="$kinds_plain $kinds_json"; else kinds="trivial distinct"; fi
  for kind in $kinds; do
    record pipeline "$kind" "$t" pipecalcd unpinned -- pipeline --count "$(n_for "$kind")" --seconds 60 --kind "$kind" "$addr"
  done
  stop_server
  if [ "$t" != fifo ]; then
    port=$(free_port)
    addr=$(address_of "$t" ref-pipe "$port")
    start_server reference unpinned "$addr"
    # The reference speaks plain lines only.
    for kind in $kinds; do
      case $kind in json-*|batch) continue ;; esac
      record pipeline "$kind" "$t" reference unpinned -- pipeline --count "$count" --seconds 60 --kind "$kind" "$addr"
    done
    stop_server
  fi
  for kind in $kinds; do
    record pipeline "$kind" "$t" raw unpinned -- pipeline --count "$(n_for "$kind")" --seconds 60 --kind "$kind" "raw-$t"
  done
done

# Two clients pipelining new expressions at once: parsing is the work, and
# the worker threads may put it on both cores.
for target in pipecalcd pipecalcd-1loop reference; do
  addr=$(address_of unix "two-$target" 0)
  case $target in
    pipecalcd) start_server pipecalcd unpinned "$addr" ;;
    pipecalcd-1loop) start_server pipecalcd unpinned "$addr" PIPECALC_WORKERS=0 ;;
    reference) start_server reference unpinned "$addr" ;;
  esac
  record pipeline-2 distinct unix "$target" unpinned -- pipeline --clients 2 --count "$count" --seconds 60 --kind distinct "$addr"
  stop_server
done
record pipeline-2 distinct unix raw unpinned -- pipeline --clients 2 --count "$count" --seconds 60 --kind distinct raw-unix

# ---- 5. memory ---------------------------------------------------------------

for variant in "idle:0" "one-request:1" "many-expressions:100"; do
  name=${variant%%:*}
  requests=${variant#*:}
  n=$conns
  [ "$name" = many-expressions ] && n=$(( conns / 10 ))
  addr=$(address_of unix "pc-mem-$name" 0)
  start_server pipecalcd unpinned "$addr"
  record "memory-$name" "$name" unix pipecalcd unpinned -- memory --pid "$server_pid" --connections "$n" --requests "$requests" "$addr"
  stop_server
  addr=$(address_of unix "ref-mem-$name" 0)
  start_server reference unpinned "$addr"
  record "memory-$name" "$name" unix reference unpinned -- memory --pid "$server_pid" --connections "$n" --requests "$requests" "$addr"
  stop_server
done

# ---- 6. start-up -----------------------------------------------------------------

addr=$(address_of unix pc-start 0)
start_server pipecalcd unpinned "$addr"
record startup cli unix pipecalcd unpinned -- exec --runs "$runs" -- "$cli" --connect "$addr" 2+2
record startup socat unix raw unpinned -- exec --runs "$runs" --stdin $'2+2\n' -- socat - "UNIX-CONNECT:${addr#unix:}"
stop_server
# The embedded default: nobody listens at the default address, so the
# client starts its own private pipecalcd and stops it when it is done.
mkdir -m 700 "$work/xdg"
record startup embedded unix pipecalcd unpinned -- exec --runs "$(( runs / 2 > 0 ? runs / 2 : 1 ))" -- \
  env XDG_RUNTIME_DIR="$work/xdg" "$cli" 2+2

if [ $quick -eq 0 ] && [ -x "$gui" ]; then
  if ! out=$(bench/gui-first-result.sh "$gui" "$work" 5); then
    echo "bench/run.sh: the GUI start-up could not be measured; see above" >&2
  else
    while read -r metric value unit; do
      echo "startup,gui,unix,pipecalcd,unpinned,$metric,$value,$unit" >> "$csv"
    done <<<"$out"
  fi
fi

# ---- 6b. sample (issue 14) ---------------------------------------------------------

# `sample` over unix against a plain C loop over muparser's bulk mode (with
# the JSON text written the same way) and against pipelined eval, 1000 and
# 1000000 points (--quick: 1000 and 20000, one run). Its own table:
# results/sample.csv.
addr=$(address_of unix pc-sample 0)
start_server pipecalcd unpinned "$addr"
if [ $quick -eq 1 ]; then
  OMP_NUM_THREADS=1 "$root/$build/bench/pc-sample-bench" "${addr#unix:}" --quick > "$work/sample.csv"
else
  OMP_NUM_THREADS=1 "$root/$build/bench/pc-sample-bench" "${addr#unix:}" > "$results/sample.csv"
  cat "$results/sample.csv" >&2
fi
stop_server

# ---- 7. named pipes under wine -----------------------------------------------------

# pipecalcd.exe against a raw named-pipe echo, both under wine, as transport
# "npipe-wine". Needs the cross build (_build-win) and wine; --quick uses the
# cross build when it is there and otherwise says in one line why the rows
# are skipped (it never builds the mingw-w64 prefix).
if [ $quick -eq 1 ]; then
  bench/wine-npipe.sh --quick --csv "$csv"
else
  bench/wine-npipe.sh --csv "$csv"
fi

# ---- 8. behind HAProxy -----------------------------------------------------------

# TCP ping-pong straight to one pipecalcd and through HAProxy in front of
# 1, 2 and 3 (bench/haproxy.sh; its own table in bench/results/haproxy.md
# when run alone). Without haproxy it says in one line that it skips.
if [ $quick -eq 1 ]; then
  PIPECALC_BENCH_BUILD=$build bench/haproxy.sh --quick --csv "$csv"
else
  PIPECALC_BENCH_BUILD=$build bench/haproxy.sh --csv "$csv"
fi

# ---- The table and the charts ----------------------------------------------------

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r); load average $load_before before the run"
python3 bench/report.py "$csv" "$machine" "$results/bench.md" ${charts:+"$charts"}
if [ $quick -eq 1 ]; then
  echo "bench/run.sh --quick: every scenario ran ($(($(wc -l < "$csv") - 1)) figures)"
else
  cat "$results/bench.md"
fi
