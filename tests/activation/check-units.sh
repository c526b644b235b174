#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The systemd units of data/systemd pass `systemd-analyze verify` with no
# complaint at all (the man page they name included), and the hardened
# TCP service rates "OK" or better in `systemd-analyze security`.
#
# Usage: check-units.sh SOURCE_ROOT BUILD_ROOT
# The services are the build's verify-*.service copies, whose ExecStart=
# is the pipecalcd of the build tree (verify wants the program to exist);
# they are copied under their real names into a temporary folder, where
# systemd-analyze finds the socket and service of each pair.
set -u
src=$1
build=$2

echo "1..3"
if ! command -v systemd-analyze >/dev/null; then
  for i in 1 2 3; do
    echo "ok $i # SKIP systemd-analyze is missing (Debian package systemd; tools/install-deps.sh test installs it)"
  done
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/system" "$work/user" "$work/man/man1" "$work/runtime"
chmod 700 "$work/runtime"
cp "$src/data/systemd/pipecalcd-tcp.socket" "$work/system/"
cp "$build/data/systemd/verify-pipecalcd-tcp.service" "$work/system/pipecalcd-tcp.service"
cp "$src/data/systemd/pipecalcd.socket" "$work/user/"
cp "$build/data/systemd/verify-pipecalcd.service" "$work/user/pipecalcd.service"
# Documentation=man:pipecalcd(1): verify runs man, which finds ours here.
cp "$src/data/pipecalcd.1" "$work/man/man1/"
export MANPATH="$work/man"
failed=0

out=$(cd "$work/system" && systemd-analyze verify pipecalcd-tcp.socket pipecalcd-tcp.service 2>&1)
if [ $? = 0 ] && [ -z "$out" ]; then
  echo "ok 1 - systemd-analyze verify: pipecalcd-tcp.socket and .service"
else
  failed=1
  echo "not ok 1 - systemd-analyze verify: pipecalcd-tcp.socket and .service"
  echo "$out" | sed 's/^/# /'
fi

out=$(cd "$work/user" && XDG_RUNTIME_DIR="$work/runtime" \
      systemd-analyze --user verify pipecalcd.socket pipecalcd.service 2>&1)
if [ $? = 0 ] && [ -z "$out" ]; then
  echo "ok 2 - systemd-analyze --user verify: pipecalcd.socket and .service"
else
  failed=1
  echo "not ok 2 - systemd-analyze --user verify: pipecalcd.socket and .service"
  echo "$out" | sed 's/^/# /'
fi

out=$(cd "$work/system" && systemd-analyze security --offline=yes --no-pager \
      pipecalcd-tcp.service 2>&1)
score=$(echo "$out" | sed -n 's/.*Overall exposure level for pipecalcd-tcp.service: \([0-9.]*\).*/\1/p')
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s < 2.0) }'; then
  echo "ok 3 - systemd-analyze security: pipecalcd-tcp.service exposure $score (below 2.0)"
else
  failed=1
  echo "not ok 3 - systemd-analyze security: pipecalcd-tcp.service exposure ${score:-unknown}, want below 2.0"
  echo "$out" | grep -F '✗' | sed 's/^/# /'
fi
exit $failed
