#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The programs over named pipes under wine, as TAP, as a Windows user runs
# them: pipecalcd.exe on npipe://./NAME and pipecalc-cli.exe against it
# (arguments and standard input), a second server on the live name
# refused, bad and unanswered addresses worded with exit status 2, and the
# embedded default: no server at npipe://./pipecalc, so the CLI starts a
# private one and stops it when it is done.
#
# Usage: wine-npipe-e2e.sh PIPECALCD_EXE PIPECALC_CLI_EXE
# Environment: WINEPREFIX, WINEPATH (set by tests/meson.build);
# PIPECALC_NPIPE_ECHO, bench/pc-npipe-bench.exe (a pipe that is not ours).
set -u
server_exe=${1:?usage: wine-npipe-e2e.sh PIPECALCD_EXE PIPECALC_CLI_EXE}
cli_exe=${2:?usage: wine-npipe-e2e.sh PIPECALCD_EXE PIPECALC_CLI_EXE}
here=$(cd "$(dirname "$0")" && pwd)
export WINEDEBUG=-all
# shellcheck source=tests/windows/wine-lib.sh
. "$here/wine-lib.sh"

echo "1..11"

name=pipecalc-e2e-$$
address=npipe://./$name

# cli ARGS...: pipecalc-cli.exe, output without CRs in $work/out, the
# messages in $work/err, the exit status in $rc; bounded in time.
cli() {
  timeout 60 wine "$cli_exe" --timeout 10 "$@" >"$work/out" 2>"$work/err" </dev/null
  rc=$?
  sed -i 's/\r$//' "$work/out" "$work/err"
}

wine "$server_exe" --listen "$address" >"$work/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
# The first start of wine in a fresh prefix takes a while.
for _ in $(seq 120); do
  grep -q 'ready' "$work/server.log" 2>/dev/null && break
  sleep 0.5
done

cli --connect "$address" '2^10' 'a=3' 'a*2'
if [ $rc = 0 ] && [ "$(tr '\n' ' ' <"$work/out")" = "1024 3 6 " ]; then
  ok "pipecalc-cli.exe --connect $address evaluates 2^10, a=3, a*2 in one session"
else
  echo "# status $rc, output: $(tr '\n' ' ' <"$work/out")"
  not_ok "pipecalc-cli.exe --connect $address evaluates 2^10, a=3, a*2 in one session" "$work/err"
fi

out=$(printf '1/3\r\n\r\n0.1+0.2\n2^3' | timeout 60 wine "$cli_exe" --timeout 10 --connect "$address" 2>"$work/err" | tr -d '\r' | tr '\n' ' ')
if [ "$out" = "0.333333333333333 0.3 8 " ]; then
  ok "pipecalc-cli.exe reads expressions from standard input (CRLF, a blank line, no final newline)"
else
  echo "# got: $out"
  not_ok "pipecalc-cli.exe reads expressions from standard input (CRLF, a blank line, no final newline)" "$work/err"
fi

# A client that connects and never sends anything holds only its own pipe
# instance: the server keeps another one waiting for the next client.
mkfifo "$work/idle-in"
wine "$cli_exe" --connect "$address" <"$work/idle-in" >"$work/idle.out" 2>&1 &
idle_pid=$!
pids+=("$idle_pid")
exec 7>"$work/idle-in"
for _ in $(seq 100); do
  [ "$(grep -c 'connected over npipe' "$work/server.log")" -ge 3 ] && break
  sleep 0.1
done
cli --connect "$address" '6*7'
if [ $rc = 0 ] && [ "$(cat "$work/out")" = 42 ] \
   && [ "$(grep -c 'connected over npipe' "$work/server.log")" -ge 4 ]; then
  ok "while one client sits connected and silent, another is served"
else
  echo "# status $rc, output $(cat "$work/out")"
  not_ok "while one client sits connected and silent, another is served" "$work/server.log"
fi
exec 7>&-
wait "$idle_pid" 2>/dev/null

cli --connect "$address" '1+*2'
if [ $rc = 1 ] && grep -q 'position 2' "$work/err"; then
  ok "an expression error exits 1 and names the position"
else
  echo "# status $rc"
  not_ok "an expression error exits 1 and names the position" "$work/err"
fi

timeout 60 wine "$server_exe" --listen "$address" >"$work/second.log" 2>&1 </dev/null
second=$?
sed -i 's/\r$//' "$work/second.log"
if [ $second = 1 ] && grep -qi "$name" "$work/second.log"; then
  ok "a second pipecalcd.exe on the live name exits 1 and names the address"
  sed 's/^/#   /' "$work/second.log" | tail -n 2
else
  echo "# status $second"
  not_ok "a second pipecalcd.exe on the live name exits 1 and names the address" "$work/second.log"
fi

cli --connect 'npipe://./bad/name' '2'
if [ $rc = 2 ] && grep -q 'no slashes' "$work/err" && grep -q 'npipe://./pipecalc' "$work/err"; then
  ok "a pipe name with a slash: exit 2, what is wrong and a valid example"
else
  echo "# status $rc"
  not_ok "a pipe name with a slash: exit 2, what is wrong and a valid example" "$work/err"
fi

# unreachable DESCRIPTION ADDRESS: exit 2 within the CLI's timeout, never
# a hang, with a message that names the address.
unreachable() {
  local start=$SECONDS
  cli --connect "$2" '2'
  if [ $rc = 2 ] && grep -qF "$2" "$work/err" && [ $((SECONDS - start)) -lt 30 ]; then
    ok "$1"
  else
    echo "# status $rc after $((SECONDS - start)) s"
    not_ok "$1" "$work/err"
  fi
}
unreachable "nobody at the pipe: exit 2 at once, the message names it" "npipe://./nobody-$$"
unreachable "a host that does not answer: exit 2 within the timeout, the message names it" \
  "npipe://nosuchhost-$$/pipecalc"

# A pipe that exists but is not ours (a bare echo server): a clear error.
echo_exe=${PIPECALC_NPIPE_ECHO:-}
if [ -n "$echo_exe" ] && [ -f "$echo_exe" ]; then
  wine "$echo_exe" echo "notours-$$" --max-seconds 60 >"$work/echo.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q ready "$work/echo.log" 2>/dev/null && break
    sleep 0.2
  done
  cli --connect "npipe://./notours-$$" '2^10'
  if [ $rc = 2 ] && grep -q 'malformed reply' "$work/err"; then
    ok "a pipe that is not a pipecalc server: exit 2, 'malformed reply'"
  else
    echo "# status $rc"
    not_ok "a pipe that is not a pipecalc server: exit 2, 'malformed reply'" "$work/err"
  fi
else
  skip "bench/pc-npipe-bench.exe is not built (PIPECALC_NPIPE_ECHO)"
fi

kill -INT "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
if grep -q 'stopped' "$work/server.log"; then
  ok "Ctrl+C stops pipecalcd.exe on its pipe"
else
  not_ok "Ctrl+C stops pipecalcd.exe on its pipe" "$work/server.log"
fi

# The embedded default: nothing at npipe://./pipecalc, so the client
# starts its own pipecalcd.exe (next to it) and stops it on exit.
# A private server listens on npipe://./pipecalc-private-PID-N; wine shows
# its command line, so it can be counted.
private_servers() { pgrep -fc 'pipecalcd\.exe.*pipecalc-private-' || true; }
before=$(private_servers)
cli '2^10'
after=$(private_servers)
# The client waits for its server to exit; wine may take a moment more to
# take the process away.
for _ in $(seq 50); do
  [ "$after" -le "$before" ] && break
  sleep 0.2
  after=$(private_servers)
done
if [ $rc = 0 ] && [ "$(cat "$work/out")" = 1024 ] && [ "$after" -le "$before" ]; then
  ok "pipecalc-cli.exe 2^10 with no server running starts a private one, prints 1024, stops it"
else
  echo "# status $rc, output $(cat "$work/out"), private pipecalcd.exe before $before, after $after"
  not_ok "pipecalc-cli.exe 2^10 with no server running starts a private one, prints 1024, stops it" "$work/err"
fi
