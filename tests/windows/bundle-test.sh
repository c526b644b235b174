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

echo "1..4"

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

# Every symbolic icon the window names (ui/*.ui, src/gui/*.c) is in the
# bundle's icon themes: GTK on Windows has no system theme to fall back
# on, and a missing one is drawn as a broken-image square.
if [ -d "$dir/../share/icons" ]; then
  src=$here/../..
  missing=()
  for name in $(grep -rhoE '[a-z0-9-]+-symbolic' "$src"/ui/*.ui "$src"/src/gui/*.c | sort -u); do
    find "$dir/../share/icons" -name "$name.*" -print -quit | grep -q . || missing+=("$name")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    ok "every symbolic icon the window names is in the bundle"
  else
    echo "# missing from share/icons: ${missing[*]}" >"$work/icons.txt"
    echo "# (tools/windows/prefix/runtime.sh lists the icons the prefix keeps)" >>"$work/icons.txt"
    not_ok "every symbolic icon the window names is in the bundle" "$work/icons.txt"
  fi
else
  n_case=$((n_case + 1))
  echo "ok $n_case # SKIP the bundle has no share/icons: this build has no window (no GTK 3 in the prefix)"
fi
