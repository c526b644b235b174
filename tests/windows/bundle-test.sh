#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The zip works alone, as TAP: tools/windows/bundle.sh makes it, it is
# unpacked into an empty folder, and its pipecalcd.exe and pipecalc-cli.exe
# run from there under wine with nothing else to find DLLs or transports
# in (no WINEPATH, no PIPECALC_TRANSPORT_PATH).
#
# Usage: bundle-test.sh BUILD_DIR PREFIX
set -u
build=${1:?usage: bundle-test.sh BUILD_DIR PREFIX}
prefix=${2:?usage: bundle-test.sh BUILD_DIR PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
export WINEDEBUG=-all
unset WINEPATH PIPECALC_TRANSPORT_PATH PIPECALCD PIPECALC_CLI
# shellcheck source=tests/windows/wine-lib.sh
. "$here/wine-lib.sh"

echo "1..3"

if "$here/../../tools/windows/bundle.sh" "$build" "$work/pipecalc.zip" "$prefix" >"$work/bundle.log" 2>&1 \
   && mkdir "$work/empty" && (cd "$work/empty" && unzip -q ../pipecalc.zip); then
  ok "bundle.sh makes a zip that unpacks ($(grep -c '' "$work/bundle.log") lines listed)"
  sed 's/^/# /' "$work/bundle.log"
else
  not_ok "bundle.sh makes a zip that unpacks" "$work/bundle.log"
  exit 0
fi
# The zip holds pipecalc-VERSION-win64\bin (the programs and DLLs) and
# lib\pipecalc\transports (tools/windows/bundle.sh).
dir=$(echo "$work"/empty/pipecalc-*-win64)/bin

port=$(free_port)
address=tcp://127.0.0.1:$port
(cd "$dir" && exec wine ./pipecalcd.exe --listen "$address") >"$work/server.log" 2>&1 &
pids+=($!)
if wait_for_port "$port" 90; then
  ok "the unpacked pipecalcd.exe listens on $address"
else
  not_ok "the unpacked pipecalcd.exe listens on $address" "$work/server.log"
fi

out=$(cd "$dir" && wine ./pipecalc-cli.exe --connect "$address" '2^10' 2>"$work/cli.err" | tr -d '\r')
if [ "$out" = 1024 ]; then
  ok "the unpacked pipecalc-cli.exe prints 1024 for 2^10"
else
  echo "# got: $out"
  not_ok "the unpacked pipecalc-cli.exe prints 1024 for 2^10" "$work/cli.err"
fi
