#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The GUI's start-up for bench/run.sh: from launching `pipecalc` under
# Xvfb to the server sending the first result, several runs.
#
#   bench/gui-first-result.sh GUI WORKDIR RUNS
#
# Each run starts the window with a fresh HOME against a pipecalcd already
# listening at the default local address, waits for the window to be
# mapped (xdotool search --sync), types "7-3" and Return into it (XTest,
# no typing delay; no key needs Shift, which xdotool may lose at full
# speed), and stops the clock when the server's --verbose log shows the
# reply with value 4 leaving. Drawing that reply is the only step not
# timed (one frame). Prints min_ms, median_ms and max_ms like
# pipecalc-bench; every wait has a deadline.
set -euo pipefail

gui=$1
work=$2
runs=$3
build=$(cd "$(dirname "$gui")/../.." && pwd)
server=$build/src/server/pipecalcd

display=":$((50 + RANDOM % 200))"
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
server_pid=""
trap 'kill $xvfb ${server_pid:-} 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -e "/tmp/.X11-unix/X${display#:}" ] && break
  sleep 0.05
done
export DISPLAY=$display

xdg=$work/gui-xdg
mkdir -p -m 700 "$xdg/pipecalc"
log=$work/gui-server.log
: > "$log"
"$server" --listen "unix:$xdg/pipecalc/socket" --verbose 2>>"$log" &
server_pid=$!
for _ in $(seq 100); do
  [ -S "$xdg/pipecalc/socket" ] && break
  sleep 0.05
done

now_ns() { date +%s%N; }
times=()
for i in $(seq "$runs"); do
  home=$work/gui-home-$i
  mkdir -p "$home"
  before=$(grep -c '← .*"result":{"value":4,' "$log" || true)
  t0=$(now_ns)
  env HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
    XDG_CACHE_HOME="$home/cache" XDG_STATE_HOME="$home/state" XDG_RUNTIME_DIR="$xdg" \
    GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 "$gui" >/dev/null 2>&1 &
  gpid=$!
  wid=$(timeout 20 xdotool search --sync --name '^Pipe Calculator$' 2>/dev/null | head -1 || true)
  if [ -z "$wid" ]; then
    echo "gui-first-result: no window in 20 s" >&2
    kill "$gpid" 2>/dev/null || true
    exit 1
  fi
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  deadline=$(( $(now_ns) + 20000000000 ))
  done_at=""
  # Type until the request goes: the entry may take the focus a moment
  # after the window maps.
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    xdotool windowfocus "$wid" 2>/dev/null || true
    xdotool type --delay 0 "7-3" 2>/dev/null || true
    xdotool key Return 2>/dev/null || true
    for _ in $(seq 200); do
      if [ "$(grep -c '← .*"result":{"value":4,' "$log" || true)" -gt "$before" ]; then
        done_at=$(now_ns)
        break 2
      fi
      sleep 0.005
    done
    [ "$(now_ns)" -lt "$deadline" ] || break
  done
  kill "$gpid" 2>/dev/null || true
  wait "$gpid" 2>/dev/null || true
  if [ -z "$done_at" ]; then
    echo "gui-first-result: the window sent no request in 20 s" >&2
    exit 1
  fi
  [ "$attempt" -eq 1 ] || echo "gui-first-result: run $i needed $attempt attempts to type" >&2
  times+=("$(( (done_at - t0) / 1000 ))")
done
printf '%s\n' "${times[@]}" | sort -n | awk '
  { v[NR] = $1 / 1000 }
  END { printf "min_ms %.3f ms\nmedian_ms %.3f ms\nmax_ms %.3f ms\n", v[1], v[int((NR + 1) / 2)], v[NR] }'
