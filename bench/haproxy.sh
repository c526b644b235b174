#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The HAProxy rows of bench/run.sh (docs/performance.md, "Behind
# HAProxy"): strict ping-pong round trips per second over TCP, with 1 and
# 16 clients, straight to one pipecalcd and through HAProxy (the example
# data/haproxy/pipecalc.cfg, on free loopback ports) in front of 1, 2 and
# 3 pipecalcd. The CSV rows are scenario "haproxy-clients-N", kind
# trivial, transport tcp, target "direct" or "haproxy-K".
#
#   bench/haproxy.sh                  these rows alone, for real: writes
#                                     bench/results/haproxy.{csv,md} and
#                                     prints the table
#   bench/haproxy.sh --quick --csv F  each row for an instant, appended to
#                                     F (what bench/run.sh --quick does)
#   bench/haproxy.sh --csv F          the full rows, appended to F
#
# It uses the release build of bench/run.sh (_build-bench-release, or
# PIPECALC_BENCH_BUILD), which bench/run.sh makes; without haproxy it
# prints one line saying the rows are skipped and exits 0. On a machine
# with few cores the backends share them with HAProxy and the clients: the
# figures show what the balancer costs, not how far it scales.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=0
csv=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --csv) csv=${2:?--csv needs a file}; shift ;;
    *) echo "usage: bench/haproxy.sh [--quick] [--csv FILE]" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v haproxy >/dev/null; then
  echo "bench/haproxy.sh: haproxy is missing (Debian package haproxy): the HAProxy rows are skipped"
  exit 0
fi
build=${PIPECALC_BENCH_BUILD:-_build-bench-release}
case $build in /*) ;; *) build=$root/$build ;; esac
bench=$build/bench/pipecalc-bench
server=$build/src/server/pipecalcd
if [ ! -x "$bench" ] || [ ! -x "$server" ]; then
  echo "bench/haproxy.sh: no release build in $build (bench/run.sh makes it)" >&2
  exit 1
fi
export PIPECALC_TRANSPORT_PATH=$build/transports

if [ $quick -eq 1 ]; then secs=0.2; clients_list="1 4"; else secs=5; clients_list="1 16"; fi

work=$(mktemp -d /tmp/pipecalc-haproxy-bench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

standalone=0
if [ -z "$csv" ]; then
  standalone=1
  mkdir -p bench/results
  csv=$root/bench/results/haproxy.csv
  echo "scenario,kind,transport,target,pinning,metric,value,unit" > "$csv"
fi

free_ports() {
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])' "$1"
}

wait_ready() {
  for _ in $(seq 100); do
    if "$bench" pipeline --count 1 --seconds 1 "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "bench/haproxy.sh: nothing answers at $1" >&2
  exit 1
}

read -r front b1 b2 b3 stats < <(free_ports 5)
backends=("$b1" "$b2" "$b3")
for port in "${backends[@]}"; do
  "$server" --listen "tcp://127.0.0.1:$port" --max-clients 5000 --max-clients-per-user 5000 \
    2>>"$work/server.log" &
  pids+=($!)
  wait_ready "tcp://127.0.0.1:$port"
done

# record TARGET CLIENTS ADDRESS
record() {
  local out
  out=$("$bench" pingpong --clients "$2" --seconds "$secs" --kind trivial "$3")
  while read -r metric value unit; do
    echo "haproxy-clients-$2,trivial,tcp,$1,unpinned,$metric,$value,$unit" >> "$csv"
  done <<<"$out"
  [ $quick -eq 1 ] || echo "  haproxy-clients-$2 $1: $(tr '\n' ' ' <<<"$out")" >&2
}

for n in $clients_list; do
  record direct "$n" "tcp://127.0.0.1:$b1"
done

# The example with K of its servers, health checks and all.
for k in 1 2 3; do
  case $k in 1) drop='calc[23]' ;; 2) drop='calc3' ;; 3) drop='none' ;; esac
  sed -e "s|127.0.0.1:7878|127.0.0.1:$front|" -e "s|127.0.0.1:7879|127.0.0.1:$b1|" \
      -e "s|127.0.0.1:7880|127.0.0.1:$b2|" -e "s|127.0.0.1:7881|127.0.0.1:$b3|" \
      -e "s|127.0.0.1:7900|127.0.0.1:$stats|" -e "s|/run/haproxy/pipecalc.sock|$work/stats.sock|" \
      -e "/^    server $drop /d" \
      data/haproxy/pipecalc.cfg >"$work/haproxy-$k.cfg"
  haproxy -db -f "$work/haproxy-$k.cfg" >"$work/haproxy-$k.log" 2>&1 &
  hpid=$!
  pids+=("$hpid")
  wait_ready "tcp://127.0.0.1:$front"
  for n in $clients_list; do
    record "haproxy-$k" "$n" "tcp://127.0.0.1:$front"
  done
  kill "$hpid"
  wait "$hpid" 2>/dev/null || true
done

if [ $standalone -eq 1 ]; then
  python3 - "$csv" > bench/results/haproxy.md <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def get(scenario, target, metric):
    for r in rows:
        if (r["scenario"], r["target"], r["metric"]) == (scenario, target, metric):
            return float(r["value"])
    return None
scenarios = sorted({r["scenario"] for r in rows}, key=lambda s: int(s.rsplit("-", 1)[1]))
print("| clients | target | round trips/s | p50 µs | p99 µs | ÷ direct |")
print("|---|---|---:|---:|---:|---:|")
for s in scenarios:
    direct = get(s, "direct", "round_trips_per_s")
    for t in ("direct", "haproxy-1", "haproxy-2", "haproxy-3"):
        v = get(s, t, "round_trips_per_s")
        if v is None:
            continue
        print("| %s | %s | %.0f | %.0f | %.0f | %.2f |" % (
            s.rsplit("-", 1)[1], t, v, get(s, t, "p50_us"), get(s, t, "p99_us"), v / direct))
PY
  cat bench/results/haproxy.md
fi
