#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# End to end under wine, as TAP: pipecalcd.exe serves tcp, pipecalc-cli.exe
# evaluates against it, the Linux pipecalc-cli and pipecalc-cli.exe get the
# same text from pipecalcd.exe as the Linux client from the Linux pipecalcd
# for the same expressions, and Ctrl+C stops pipecalcd.exe cleanly.
#
# Usage: wine-e2e.sh PIPECALCD_EXE PIPECALC_CLI_EXE
# Environment: WINEPREFIX, WINEPATH (set by tests/meson.build);
# PIPECALC_NATIVE_BUILD, a native build folder holding src/server/pipecalcd
# and src/cli/pipecalc-cli (default: _build-test in the source tree); the
# comparisons with Linux are skipped, saying so, when it is missing.
set -u
server_exe=${1:?usage: wine-e2e.sh PIPECALCD_EXE PIPECALC_CLI_EXE}
cli_exe=${2:?usage: wine-e2e.sh PIPECALCD_EXE PIPECALC_CLI_EXE}
here=$(cd "$(dirname "$0")" && pwd)
native=${PIPECALC_NATIVE_BUILD:-$here/../../_build-test}
export WINEDEBUG=-all
# shellcheck source=tests/windows/wine-lib.sh
. "$here/wine-lib.sh"

echo "1..7"

# The same session of expressions for every pair: values, errors with
# their positions, variables, ans, and the exit status.
expressions=('2^10' '1/3' 'sin(pi/2)' 'x = 3' 'x*2+ans' '1/0' 'sqrt(-1)'
  '2+' 'foo(1)' '1e300*1e300' '0.1+0.2' '-2^0.5' 'max(1,7,3)' '17 % 5'
  '"unterminated')

# What the user reads: standard output, then the error messages (the
# address, which differs, taken out), then the exit status; no CRs.
# session CLIENT... -- PORT OUTPUT
session() {
  local client=() port output
  while [ "$1" != -- ]; do client+=("$1"); shift; done
  port=$2 output=$3
  (cd "$work" && "${client[@]}" --connect "tcp://127.0.0.1:$port" -- "${expressions[@]}" \
    >"$output" 2>"$output.err"; echo "status $?" >>"$output.err")
  sed "s/127.0.0.1:$port/ADDRESS/g" "$output.err" >>"$output"
  sed -i 's/\r$//' "$output"
}

# same_text DESCRIPTION EXPECTED GOT
same_text() {
  if diff -u "$2" "$3" >"$work/diff"; then
    ok "$1"
  else
    sed 's/^/# /' "$work/diff"
    not_ok "$1"
  fi
}

port=$(free_port)
address=tcp://127.0.0.1:$port
wine "$server_exe" --listen "$address" >"$work/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
if wait_for_port "$port" 90; then
  ok "pipecalcd.exe listens on $address"
else
  not_ok "pipecalcd.exe listens on $address" "$work/server.log"
fi

out=$(wine "$cli_exe" --connect "$address" '2^10' 2>"$work/cli.err" | tr -d '\r')
if [ "$out" = 1024 ]; then
  ok "pipecalc-cli.exe --connect $address 2^10 prints 1024"
else
  echo "# got: $out"
  not_ok "pipecalc-cli.exe --connect $address 2^10 prints 1024" "$work/cli.err"
fi

if wine "$server_exe" --list-transports 2>&1 | tr -d '\r' | grep -q '^tcp'; then
  ok "pipecalcd.exe --list-transports finds the tcp module"
else
  not_ok "pipecalcd.exe --list-transports finds the tcp module"
fi

if [ -x "$native/src/cli/pipecalc-cli" ] && [ -x "$native/src/server/pipecalcd" ]; then
  linux_port=$(free_port)
  PIPECALC_TRANSPORT_PATH=$native/transports "$native/src/server/pipecalcd" \
    --listen "tcp://127.0.0.1:$linux_port" >"$work/linux-server.log" 2>&1 &
  pids+=($!)
  wait_for_port "$linux_port" 30
  session "$native/src/cli/pipecalc-cli" -- "$linux_port" "$work/linux-linux.out"
  session "$native/src/cli/pipecalc-cli" -- "$port" "$work/linux-wine.out"
  session wine "$cli_exe" -- "$port" "$work/wine-wine.out"

  if grep -qx 1024 "$work/linux-wine.out"; then
    ok "the Linux pipecalc-cli evaluates 2^10 on pipecalcd.exe"
  else
    not_ok "the Linux pipecalc-cli evaluates 2^10 on pipecalcd.exe" "$work/linux-wine.out"
  fi
  same_text "the same ${#expressions[@]} expressions give the Linux client the same text from pipecalcd.exe as from the Linux pipecalcd" \
    "$work/linux-linux.out" "$work/linux-wine.out"
  same_text "pipecalc-cli.exe on pipecalcd.exe prints the same text as Linux on Linux" \
    "$work/linux-linux.out" "$work/wine-wine.out"
  sed 's/^/#   /' "$work/wine-wine.out"
else
  for _ in 4 5 6; do
    skip "no native build in $native (set PIPECALC_NATIVE_BUILD)"
  done
fi

# Ctrl+C: wine turns SIGINT into CTRL_C_EVENT for a console program, so
# this goes through pipecalcd.exe's SetConsoleCtrlHandler handler.
kill -INT "$server_pid" 2>/dev/null
for _ in $(seq 100); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
wait "$server_pid"
status=$?
if [ "$status" = 0 ] && grep -q 'signal received' "$work/server.log" \
   && grep -q 'stopped' "$work/server.log"; then
  ok "Ctrl+C stops pipecalcd.exe cleanly (status 0, replies finished first)"
else
  echo "# exit status: $status"
  not_ok "Ctrl+C stops pipecalcd.exe cleanly (status 0, replies finished first)" "$work/server.log"
fi
