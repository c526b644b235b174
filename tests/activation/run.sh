#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# pipecalcd under socket activation, end to end (issue 13), TAP.
# Needs $PIPECALCD and $PIPECALC_CLI (the meson test sets them) and
# systemd-socket-activate (Debian: systemd; tools/install-deps.sh test).
# Every server runs under `timeout`, so nothing outlives the test.
set -u

: "${PIPECALCD:?set PIPECALCD to the server}" "${PIPECALC_CLI:?set PIPECALC_CLI to the CLI}"
here=$(cd "$(dirname "$0")" && pwd)
n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for line in "$@"; do echo "# $line"; done; }
skip () { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

if ! command -v systemd-socket-activate >/dev/null; then
  echo "1..1"
  skip "socket activation" "systemd-socket-activate is missing (Debian package systemd; tools/install-deps.sh test installs it)"
  exit 0
fi

work=$(mktemp -d)
chmod 700 "$work"
pids=()
cleanup () {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port () {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits up to 10 s for FILE to contain TEXT.
wait_for () {
  for _ in $(seq 100); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# Passes the sanitizers' settings through to the server.
envs=(-E PIPECALC_TRANSPORT_PATH -E ASAN_OPTIONS -E UBSAN_OPTIONS -E LSAN_OPTIONS
      -E G_SLICE -E G_DEBUG -E LC_ALL)
cli () { timeout 20 "$PIPECALC_CLI" --timeout 10 "$@" 2>&1; }

echo "1..12"

# 1-2. A unix and a TCP socket, named, evaluated through; the log says
# which descriptors came from systemd.
sock="$work/pipecalc.sock"
port=$(free_port)
timeout 60 systemd-socket-activate -l "$sock" -l "127.0.0.1:$port" --fdname=local:web \
  "${envs[@]}" "$PIPECALCD" >"$work/both.log" 2>&1 &
pids+=($!)
wait_for "$work/both.log" "Listening on 127.0.0.1:$port" || true
out=$(cli -c "unix:$sock" 'x = 2' 'x^10')
if [ "$out" = $'2\n1024' ]; then ok "unix socket passed by systemd serves"; \
else not_ok "unix socket passed by systemd serves" "got: $out" "$(cat "$work/both.log")"; fi
out=$(cli -c "tcp://127.0.0.1:$port" '6*7')
if [ "$out" = 42 ] \
   && grep -q "listening on unix:$sock (Unix domain socket), from systemd (fd 3, name \"local\")" "$work/both.log" \
   && grep -q "listening on tcp://127.0.0.1:$port (TCP), from systemd (fd 4, name \"web\")" "$work/both.log"; then
  ok "tcp socket passed by systemd serves; the log names both"
else
  not_ok "tcp socket passed by systemd serves; the log names both" "got: $out" "$(cat "$work/both.log")"
fi
kill "${pids[-1]}" 2>/dev/null

# 3. Passed sockets and --listen together: both serve.
sock2="$work/second.sock"
timeout 60 systemd-socket-activate -l "$sock" "${envs[@]}" "$PIPECALCD" \
  --listen "unix:$sock2" >"$work/mixed.log" 2>&1 &
pids+=($!)
wait_for "$work/mixed.log" "Listening on $sock" || true
a=$(cli -c "unix:$sock" '1+1')
b=$(cli -c "unix:$sock2" '2+2')
if [ "$a" = 2 ] && [ "$b" = 4 ]; then ok "passed socket and --listen both serve"; \
else not_ok "passed socket and --listen both serve" "got: $a / $b" "$(cat "$work/mixed.log")"; fi
kill "${pids[-1]}" 2>/dev/null
wait "${pids[-1]}" 2>/dev/null
rm -f "$sock"

# 4. A datagram socket is a clear error naming the descriptor.
port=$(free_port)
timeout 30 systemd-socket-activate --datagram -l "127.0.0.1:$port" "${envs[@]}" "$PIPECALCD" \
  >"$work/udp.log" 2>&1 &
udp=$!
pids+=($udp)
wait_for "$work/udp.log" "Listening on 127.0.0.1:$port" || true
python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'2+2\n', ('127.0.0.1', $port))"
wait "$udp"
status=$?
if [ "$status" = 1 ] && grep -q 'descriptor 3 (.*unknown.*) is not a stream socket' "$work/udp.log"; then
  ok "a datagram socket is refused, naming descriptor 3"
else
  not_ok "a datagram socket is refused, naming descriptor 3" "exit $status" "$(cat "$work/udp.log")"
fi

# 5. LISTEN_PID of another process: the variables are not ours, ignored
# (the server listens where it is told, and nowhere else).
LISTEN_PID=1 LISTEN_FDS=1 LISTEN_FDNAMES=stale timeout 30 "$PIPECALCD" \
  --listen "unix:$sock2" >"$work/stale.log" 2>&1 &
pids+=($!)
wait_for "$work/stale.log" "ready" || true
out=$(cli -c "unix:$sock2" '3*3')
if [ "$out" = 9 ] && ! grep -q "from systemd" "$work/stale.log"; then
  ok "LISTEN_PID of another process is ignored"
else
  not_ok "LISTEN_PID of another process is ignored" "got: $out" "$(cat "$work/stale.log")"
fi
kill "${pids[-1]}" 2>/dev/null
wait "${pids[-1]}" 2>/dev/null

# 6. Garbage in LISTEN_FDS for us is a clear error, not a guess.
out=$(timeout 20 bash -c 'export LISTEN_PID=$$ LISTEN_FDS=many; exec "$0"' "$PIPECALCD" 2>&1)
status=$?
if [ "$status" = 1 ] && [[ "$out" == *"LISTEN_FDS=many is not a number"* ]]; then
  ok "garbage in LISTEN_FDS is a clear error"
else
  not_ok "garbage in LISTEN_FDS is a clear error" "exit $status: $out"
fi

# 7. --exit-idle: the server exits cleanly S seconds after its last
# client; the socket file stays (it is systemd's). systemd-socket-activate
# execs the server in its own place, so nobody holds the socket after
# that: running it again on the same path activates a new server.
timeout 60 systemd-socket-activate -l "$sock" "${envs[@]}" "$PIPECALCD" --exit-idle=1 \
  >"$work/idle.log" 2>&1 &
idle=$!
pids+=($idle)
wait_for "$work/idle.log" "Listening on $sock" || true
start=$(date +%s%N)
out=$(cli -c "unix:$sock" '5+5')
wait "$idle"
status=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$out" = 10 ] && [ "$status" = 0 ] && [ "$took" -lt 5000 ] \
   && grep -q "no client for 1 s: exiting" "$work/idle.log" && [ -S "$sock" ]; then
  ok "--exit-idle=1 exits cleanly after the last client (${took} ms), socket left to its owner"
else
  not_ok "--exit-idle=1 exits cleanly after the last client" "got $out, exit $status after $took ms" "$(cat "$work/idle.log")"
fi
rm -f "$sock"
timeout 60 systemd-socket-activate -l "$sock" "${envs[@]}" "$PIPECALCD" --exit-idle=1 \
  >"$work/idle2.log" 2>&1 &
idle=$!
pids+=($idle)
wait_for "$work/idle2.log" "Listening on $sock" || true
out=$(cli -c "unix:$sock" '6+6')
wait "$idle"
status=$?
if [ "$out" = 12 ] && [ "$status" = 0 ]; then ok "the next activation serves again"; \
else not_ok "the next activation serves again" "got $out, exit $status" "$(cat "$work/idle2.log")"; fi
rm -f "$sock"

# 8. The exit race: with a socket owner that starts the server again, as
# systemd does (pc-activator.py), clients arriving at random moments
# around the idle deadline all get their answer: a client that connects
# while the server exits waits in the socket's queue for the next one.
python3 "$here/pc-activator.py" "$sock" "$work/starts" "$PIPECALCD" --exit-idle=1 \
  2>"$work/activator.log" &
activator=$!
pids+=($activator)
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
lost=()
for i in $(seq 1 16); do
  out=$(cli -c "unix:$sock" "$i*3")
  [ "$out" = $((i * 3)) ] || lost+=("$i: $out")
  # Around the moment the server exits, 1 s after the last client left
  # (the CLI takes a few tenths of a second more to exit): before, at and
  # after it.
  # Client 8 comes after a pause past the deadline, so the server has
  # exited and started again at least once, whatever the random pauses.
  if [ "$i" = 8 ]; then
    sleep 2
  else
    sleep "0.$((RANDOM % 90 + 10))"
  fi
done
starts=$(cat "$work/starts" 2>/dev/null || echo 0)
if [ ${#lost[@]} = 0 ] && [ "$starts" -ge 2 ] && kill -0 "$activator" 2>/dev/null; then
  ok "no client is lost around --exit-idle (16 clients, $starts server starts)"
else
  not_ok "no client is lost around --exit-idle" "lost: ${lost[*]:-none}, starts: $starts" "$(cat "$work/activator.log")"
fi
# 9b. The same race, forced: the server is stopped (SIGSTOP) just before
# its deadline, a client connects and sends while it is stopped, and the
# server resumes past the deadline, with the timer due and the client
# waiting at once. The client is answered (GLib dispatches the accept
# first, so this server serves it; had the timer gone first, the
# connection would have waited in the queue for the next server, as in
# test 9).
raced=()
for round in 1 2 3; do
  out=$(cli -c "unix:$sock" "$round+100")
  [ "$out" = $((round + 100)) ] || raced+=("round $round first client: $out")
  server=$(pgrep -P "$activator" | head -1)
  # The CLI exits a few tenths of a second after its session closed.
  sleep 0.5
  kill -STOP "$server" 2>/dev/null
  cli -c "unix:$sock" "$round+200" >"$work/raced-$round" &
  client=$!
  sleep 0.6
  kill -CONT "$server" 2>/dev/null
  wait "$client"
  out=$(cat "$work/raced-$round")
  [ "$out" = $((round + 200)) ] || raced+=("round $round raced client: $out")
  sleep 1.5
done
kill "$activator" 2>/dev/null
wait "$activator" 2>/dev/null

if [ ${#raced[@]} = 0 ]; then
  ok "a client that connects while the server passes its idle deadline is answered (3 rounds)"
else
  not_ok "a client that connects while the server passes its idle deadline is answered" "${raced[@]}" \
    "$(cat "$work/activator.log")"
fi

# 10. The user unit's socket (pipecalcd.socket): the default address in
# a folder made as DirectoryMode=0700 makes it, the socket 0600. The CLI
# with no address reaches the activated server there, and starts no
# private server of its own.
runtime="$work/runtime"
mkdir -m 700 "$runtime" "$runtime/pipecalc"
timeout 60 systemd-socket-activate -l "$runtime/pipecalc/socket" --fdname=unix "${envs[@]}" \
  "$PIPECALCD" --exit-idle=30 >"$work/user.log" 2>&1 &
pids+=($!)
wait_for "$work/user.log" "Listening on $runtime/pipecalc/socket" || true
chmod 600 "$runtime/pipecalc/socket"
out=$(XDG_RUNTIME_DIR="$runtime" cli '7*6')
if [ "$out" = 42 ] && wait_for "$work/user.log" "session 1: closed" \
   && [ "$(ls "$runtime/pipecalc")" = socket ]; then
  ok "the CLI's default address reaches the activated server"
else
  not_ok "the CLI's default address reaches the activated server" "got: $out" \
    "$(ls -la "$runtime/pipecalc")" "$(cat "$work/user.log")"
fi

# 12. A TCP socket named "tls" speaks TLS, and a TLS client on its way in
# (the server waits for its first bytes, then sets up TLS on a thread)
# keeps an --exit-idle=1 server from exiting under it: the client that
# activates the server is answered even when the server is ready before
# the client has sent its first bytes (the client below waits 1.5 s).
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost -days 1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
  port=$(free_port)
  timeout 60 systemd-socket-activate -l "127.0.0.1:$port" --fdname=tls "${envs[@]}" \
    "$PIPECALCD" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" --exit-idle=1 \
    >"$work/tls.log" 2>&1 &
  tls=$!
  pids+=($tls)
  wait_for "$work/tls.log" "Listening on 127.0.0.1:$port" || true
  # A slow client: connects (which starts the server), says nothing for
  # 1.5 s, then speaks TLS.
  out=$(python3 - "$port" "$work/cert.pem" <<'PY'
import socket, ssl, sys, time
raw = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(1.5)
context = ssl.create_default_context(cafile=sys.argv[2])
with context.wrap_socket(raw, server_hostname="localhost") as tls:
    tls.sendall(b"3*14\n")
    print(tls.makefile().readline().strip())
PY
  )
  wait "$tls"
  status=$?
  if [ "$out" = 42 ] && [ "$status" = 0 ] \
     && grep -q "listening on tcp://127.0.0.1:$port?tls=1 (TCP), from systemd (fd 3, name \"tls\")" "$work/tls.log"; then
    ok "a socket named tls speaks TLS; a slow TLS client is not dropped by --exit-idle"
  else
    not_ok "a socket named tls speaks TLS; a slow TLS client is not dropped by --exit-idle" \
      "got: $out, exit $status" "$(cat "$work/tls.log")"
  fi
else
  skip "a socket named tls speaks TLS" "openssl is missing (tools/install-deps.sh test installs it)"
fi

exit $failed
