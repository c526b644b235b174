#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The HAProxy example (data/haproxy/pipecalc.cfg) as documented in
# docs/deployment.md, run on free loopback ports with a private stats
# socket, no root needed, TAP: three pipecalcd behind it, 32 clients of
# the client library, one backend killed (SIGKILL) in the middle; every
# client gets every answer right, those of the dead backend reconnect,
# and HAProxy's statistics show all three backends got sessions.
#
# Usage: run.sh SOURCE_ROOT BALANCED_CLIENTS
# Needs $PIPECALCD (the meson test sets it), haproxy and socat (Debian:
# haproxy, socat; tools/install-deps.sh test).
set -u
src=$1
clients_program=$2
: "${PIPECALCD:?set PIPECALCD to the server}"

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for line in "$@"; do echo "$line" | sed 's/^/# /'; done; }

echo "1..5"
for tool in haproxy socat; do
  if ! command -v $tool >/dev/null; then
    for i in 1 2 3 4 5; do
      echo "ok $i # SKIP $tool is missing (Debian package $tool; tools/install-deps.sh test installs it)"
    done
    exit 0
  fi
done

work=$(mktemp -d)
pids=()
cleanup () {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

read -r front b1 b2 b3 stats < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

# The example, on these ports and with the stats socket here.
sed -e "s|127.0.0.1:7878|127.0.0.1:$front|" -e "s|127.0.0.1:7879|127.0.0.1:$b1|" \
    -e "s|127.0.0.1:7880|127.0.0.1:$b2|" -e "s|127.0.0.1:7881|127.0.0.1:$b3|" \
    -e "s|127.0.0.1:7900|127.0.0.1:$stats|" \
    -e "s|/run/haproxy/pipecalc.sock|$work/stats.sock|" \
    "$src/data/haproxy/pipecalc.cfg" >"$work/haproxy.cfg"

out=$(haproxy -c -f "$work/haproxy.cfg" 2>&1)
if [ $? = 0 ] && ! echo "$out" | grep -q WARNING; then ok "haproxy -c: the example is valid, no warning"; \
else not_ok "haproxy -c: the example is valid, no warning" "$out"; fi

backend_pids=()
for port in $b1 $b2 $b3; do
  # Its own pid, to kill (no `timeout` in between), started from a
  # subshell so that its death is no job of ours to report; the trap
  # stops it.
  pid=$( ("$PIPECALCD" --listen "tcp://127.0.0.1:$port" --max-clients-per-user 4096 \
          --max-incomplete-per-user 4096 >"$work/backend-$port.log" 2>&1 & echo $!) )
  backend_pids+=("$pid")
  pids+=("$pid")
done
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)

show_stat () { echo "show stat" | socat -t 2 - "UNIX-CONNECT:$work/stats.sock" 2>/dev/null; }
# name,status,sessions-total of each server: fields 2, 18 and 8 of the CSV.
servers () { show_stat | awk -F, '$1 == "pipecalcd" && $2 ~ /^calc/ { print $2, $18, $8 }'; }

# 2. The health check (the protocol's ping) brings all three up.
up=0
for _ in $(seq 100); do
  up=$(servers | grep -c ' UP ')
  [ "$up" = 3 ] && break
  sleep 0.1
done
if [ "$up" = 3 ]; then ok "the JSON-RPC ping health check finds the 3 backends up"; \
else not_ok "the JSON-RPC ping health check finds the 3 backends up" "$(servers)" "$(cat "$work/haproxy.log")"; fi

# 3. 32 clients, 60 expressions each; the first backend killed after 640
# of the 1920 replies.
out=$(timeout 120 "$clients_program" "tcp://127.0.0.1:$front" 32 60 "${backend_pids[0]}" 640 2>"$work/clients.err")
status=$?
reconnected=$(echo "$out" | sed -n 's/.*reconnected=\([0-9]*\).*/\1/p')
if [ "$status" = 0 ] && [ "${reconnected:-0}" -ge 1 ] && [ "${reconnected:-0}" -lt 32 ]; then
  ok "32 clients, one backend killed: every answer right, $reconnected clients reconnected ($out)"
else
  not_ok "32 clients, one backend killed: every answer right, some reconnected" "exit $status: $out" \
    "$(tail -20 "$work/clients.err")"
fi

# 4. The traffic was spread: each backend had sessions.
table=$(servers)
spread=$(echo "$table" | awk '$3 > 0' | wc -l)
if [ "$spread" = 3 ]; then ok "HAProxy's stats: sessions on all 3 backends"; \
else not_ok "HAProxy's stats: sessions on all 3 backends" "$table"; fi
echo "$table" | sed 's/^/# server status sessions: /'

# 5. The killed one is down; the others are up.
if echo "$table" | grep -q '^calc1 DOWN' && [ "$(echo "$table" | grep -c ' UP ')" = 2 ]; then
  ok "HAProxy marks the killed backend down, the others stay up"
else
  not_ok "HAProxy marks the killed backend down, the others stay up" "$table"
fi
exit $failed
