#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# End to end under wine, as TAP: pipecalcd.exe serves tcp, pipecalc-cli.exe
# evaluates against it, and the Linux pipecalc-cli gets the same text from
# pipecalcd.exe as from the Linux pipecalcd for the same expressions.
#
# Usage: wine-e2e.sh PIPECALCD_EXE PIPECALC_CLI_EXE
# Environment: WINEPREFIX, WINEPATH (set by tests/meson.build);
# PIPECALC_NATIVE_BUILD, a native build folder holding src/server/pipecalcd
# and src/cli/pipecalc-cli (default: _build-test in the source tree); the
# comparison with Linux is skipped, saying so, when it is missing.
set -u
server_exe=${1:?usage: wine-e2e.sh PIPECALCD_EXE PIPECALC_CLI_EXE}
cli_exe=${2:?usage: wine-e2e.sh PIPECALCD_EXE PIPECALC_CLI_EXE}
here=$(cd "$(dirname "$0")" && pwd)
native=${PIPECALC_NATIVE_BUILD:-$here/../../_build-test}
export WINEDEBUG=-all
# shellcheck source=tests/windows/wine-lib.sh
. "$here/wine-lib.sh"

echo "1..6"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
address=tcp://127.0.0.1:$port
wine "$server_exe" --listen "$address" >"$work/server.log" 2>&1 &
pids+=($!)
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

# The same session of expressions against both servers: values, errors
# with their positions, variables, ans, and the exit status.
expressions=('2^10' '1/3' 'sin(pi/2)' 'x = 3' 'x*2+ans' '1/0' 'sqrt(-1)'
  '2+' 'foo(1)' '1e300*1e300' '0.1+0.2' '-2^0.5' 'max(1,7,3)' '17 % 5'
  '"unterminated')
if [ ! -x "$native/src/cli/pipecalc-cli" ] || [ ! -x "$native/src/server/pipecalcd" ]; then
  echo "ok 4 # SKIP no native build in $native (set PIPECALC_NATIVE_BUILD)"
  echo "ok 5 # SKIP no native build in $native (set PIPECALC_NATIVE_BUILD)"
  echo "ok 6 # SKIP no native build in $native (set PIPECALC_NATIVE_BUILD)"
  exit 0
fi

# What the user reads: standard output, then the error messages (with
# the address, which differs, taken out), then the exit status.
session() {  # PORT OUTPUT
  (cd "$work" && "$native/src/cli/pipecalc-cli" --connect "tcp://127.0.0.1:$1" \
    -- "${expressions[@]}" >"$2" 2>"$2.err"; echo "status $?" >>"$2.err")
  sed "s/127.0.0.1:$1/ADDRESS/g" "$2.err" >>"$2"
}
session "$port" "$work/from-wine.out"
if grep -qx 1024 <(cd "$work" && "$native/src/cli/pipecalc-cli" --connect "$address" '2^10' 2>&1); then
  ok "the Linux pipecalc-cli evaluates 2^10 on pipecalcd.exe"
else
  not_ok "the Linux pipecalc-cli evaluates 2^10 on pipecalcd.exe" "$work/from-wine.out"
fi

linux_port=$(free_port)
PIPECALC_TRANSPORT_PATH=$native/transports "$native/src/server/pipecalcd" \
  --listen "tcp://127.0.0.1:$linux_port" >"$work/linux-server.log" 2>&1 &
pids+=($!)
wait_for_port "$linux_port" 30
session "$linux_port" "$work/from-linux.out"
if diff -u "$work/from-linux.out" "$work/from-wine.out" >"$work/diff"; then
  ok "the same ${#expressions[@]} expressions give the same text from pipecalcd.exe and the Linux pipecalcd"
  sed 's/^/#   /' "$work/from-wine.out"
else
  sed 's/^/# /' "$work/diff"
  not_ok "the same ${#expressions[@]} expressions give the same text from pipecalcd.exe and the Linux pipecalcd" "$work/server.log"
fi

# And the Windows client prints what the Linux one does (line ends aside).
(cd "$work" && wine "$cli_exe" --connect "$address" -- "${expressions[@]}" \
  >"$work/wine-cli.out" 2>"$work/wine-cli.out.err"; echo "status $?" >>"$work/wine-cli.out.err")
sed "s/127.0.0.1:$port/ADDRESS/g" "$work/wine-cli.out.err" >>"$work/wine-cli.out"
sed -i 's/\r$//' "$work/wine-cli.out"
if diff -u "$work/from-linux.out" "$work/wine-cli.out" >"$work/diff"; then
  ok "pipecalc-cli.exe on pipecalcd.exe prints the same text as Linux on Linux"
else
  sed 's/^/# /' "$work/diff"
  not_ok "pipecalc-cli.exe on pipecalcd.exe prints the same text as Linux on Linux"
fi
