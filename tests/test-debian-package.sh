#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The Debian package stage of ./test.sh (TAP on stdout): builds the .debs
# with `dpkg-buildpackage -b -us -uc` in a copy of the source tree (it
# writes them to the parent folder), checks them with lintian, installs
# them with apt-get, runs the installed CLI, server and window, purges them
# and checks that nothing is left. Prints the build time and the sizes.
#
#   tests/test-debian-package.sh [SOURCE_ROOT]
#
# Skipped, saying why, when not root, when dpkg-buildpackage, debhelper or
# lintian is missing (tools/install-deps.sh package installs them), or when
# pipecalc packages are installed already (they would be replaced and
# purged).
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
id=io.github.pipecalc.PipeCalc
packages=(pipecalc-common pipecalcd pipecalc-cli pipecalc)

skip () {
  echo "1..0 # SKIP $*"
  echo "test-debian-package: skipped: $*" >&2
  exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root: installing the packages needs root"
for tool in dpkg-buildpackage dh lintian apt-get; do
  command -v "$tool" >/dev/null 2>&1 ||
    skip "$tool is missing (tools/install-deps.sh package installs it)"
done
for pkg in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$'; then
    skip "$pkg is installed on this machine already; not replacing it"
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipecalc-deb.XXXXXX")
installed=
# Whatever happens, the packages do not outlive the test.
extra_cleanup () {
  if [ -n "$installed" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${packages[@]}" >/dev/null 2>&1 || true
  fi
}
# shellcheck source=tests/install-lib.sh
. "$(dirname "$0")/install-lib.sh"

# The tree as a clean clone has it, with the work not yet committed: the
# files git tracks or would track, no build folders.
mkdir "$tmp/build" "$tmp/build/pipecalc"
git -C "$src" ls-files -co --exclude-standard -z |
  (cd "$src" && tar --null -T - -cf -) | tar -xf - -C "$tmp/build/pipecalc"

start=$(date +%s)
if (cd "$tmp/build/pipecalc" && nice -n 10 dpkg-buildpackage -b -us -uc) >"$tmp/build.log" 2>&1; then
  ok "dpkg-buildpackage -b -us -uc builds the packages"
else
  cp "$tmp/build.log" "$tmp/log"
  not_ok "dpkg-buildpackage -b -us -uc builds the packages"
  echo "1..$n"
  exit 1
fi
echo "# build time: $(($(date +%s) - start)) s"
for deb in "$tmp"/build/*.deb; do
  echo "# $(basename "$deb"): $(stat -c %s "$deb") bytes, installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
done

debs=()
for pkg in "${packages[@]}"; do
  debs+=("$(ls "$tmp"/build/"${pkg}"_*.deb)")
done

# lintian: no error and no warning (its info tags are overridden with
# the reasons, debian/*.lintian-overrides).
lintian --pedantic --display-info "$tmp"/build/*.changes >"$tmp/lintian.log" 2>&1 || true
grep -v 'running with root privileges' "$tmp/lintian.log" >"$tmp/log" || true
echo "# lintian: $(grep -c '^E:' "$tmp/log" || true) errors, $(grep -c '^W:' "$tmp/log" || true) warnings, $(grep -c '^[IPX]:' "$tmp/log" || true) other tags"
grep '^[EWIPX]:' "$tmp/log" | sed 's/^/#   /' || true
if ! grep -q '^[EW]:' "$tmp/log"; then ok "lintian: no error, no warning"; else not_ok "lintian: no error, no warning"; fi

installed=1
check "apt-get install the four packages" \
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}"
dpkg -L "${packages[@]}" 2>/dev/null | sort -u >"$tmp/files"

check "the installed files: programs, plugins, translation, desktop file, metainfo, icons, schema, man pages, systemd units" \
  bash -c 'for f in /usr/bin/pipecalcd /usr/bin/pipecalc-cli /usr/bin/pipecalc \
             /usr/share/locale/ru/LC_MESSAGES/pipecalc.mo \
             /usr/share/applications/$1.desktop /usr/share/metainfo/$1.metainfo.xml \
             /usr/share/icons/hicolor/scalable/apps/$1.svg \
             /usr/share/icons/hicolor/symbolic/apps/$1-symbolic.svg \
             /usr/share/glib-2.0/schemas/$1.gschema.xml \
             /usr/share/man/man1/pipecalcd.1.gz /usr/share/man/man1/pipecalc-cli.1.gz \
             /usr/share/man/man1/pipecalc.1.gz \
             /usr/lib/systemd/user/pipecalcd.socket /usr/lib/systemd/user/pipecalcd.service \
             /usr/lib/systemd/system/pipecalcd-tcp.socket \
             /usr/lib/systemd/system/pipecalcd-tcp.service; do
           grep -qx "$f" "$2" || { echo "not installed: $f"; exit 1; }; done
         ls /usr/lib/*/pipecalc/transports/libpctransport-unix.so' sh "$id" "$tmp/files"

mkdir -m 0700 "$tmp/run"
export XDG_RUNTIME_DIR=$tmp/run HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config \
  XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache LC_ALL=C.UTF-8
mkdir -p "$HOME"
unset PIPECALC_TRANSPORT_PATH PIPECALC_SERVER GSETTINGS_SCHEMA_DIR LANGUAGE 2>/dev/null || true

check "pipecalc-cli 2+2 gives 4 (a private pipecalcd started for it)" \
  bash -c '[ "$(pipecalc-cli 2+2)" = 4 ]'
check "pipecalcd --list-transports finds unix, tcp and fifo" \
  bash -c 'out=$(pipecalcd --list-transports) && echo "$out" &&
           echo "$out" | grep -q "^unix " && echo "$out" | grep -q "^tcp " &&
           echo "$out" | grep -q "^fifo "'

tcp_ok=
for _ in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pipecalcd --listen "tcp://127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
  server=$!
  pids+=("$server")
  if wait_for grep -q 'listening on' "$tmp/server.log" && kill -0 "$server" 2>/dev/null; then
    [ "$(pipecalc-cli -c "tcp://127.0.0.1:$port" 'a=3' 'a*2' 2>"$tmp/log" | tail -n 1)" = 6 ] && tcp_ok=1
    break
  fi
  wait "$server" 2>/dev/null || true
done
if [ -n "$tcp_ok" ]; then ok "the installed server evaluates over tcp"; else not_ok "the installed server evaluates over tcp"; fi
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
pids=()

# The window, found in the menu's way: its schema compiled by the GLib
# trigger, its icon in hicolor, its Russian title.
start_xvfb
russian=$(LANGUAGE=ru gettext pipecalc 'Pipe Calculator') || true
check "the window's schema is installed and compiled" \
  bash -c 'gsettings list-schemas | grep -qx "$1"' sh "$id"
window_case "installed package, Russian" /usr/bin/pipecalc "$russian" LANGUAGE=ru

# Purge, then nothing is left: no package, none of its files.
if DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" >"$tmp/log" 2>&1; then
  installed=
  ok "apt-get purge the four packages"
else
  not_ok "apt-get purge the four packages"
fi
check "after the purge: no pipecalc package, no file of theirs, no schema" \
  bash -c 'if dpkg -l | grep -i pipecalc; then exit 1; fi
           left=0
           while read -r f; do
             [ -f "$f" ] || [ -L "$f" ] || continue
             echo "left behind: $f"; left=1
           done < "$1"
           if gsettings list-schemas | grep -x "$2"; then left=1; fi
           if ls /usr/lib/*/pipecalc 2>/dev/null; then left=1; fi
           exit $left' sh "$tmp/files" "$id"

echo "1..$n"
exit "$status"
