#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# `meson install --destdir` of the current build into a temporary folder,
# then the installed programs run from there with no PIPECALC_* variable
# (TAP, one line per case): they find their own transports, server and
# translations relative to themselves (src/core/pc-paths-unix.c), evaluate
# over unix and tcp, and the window starts under Xvfb with its schema, its
# Russian translation and its icon. The window run from the build tree
# finds its icon too.
#
#   tests/test-install.sh BUILD_ROOT PREFIX BINDIR DATADIR
#
# The current build, not a fresh one with another prefix: no second
# compilation on a shared machine, and what is installed is exactly what
# the rest of the suite tested. The Debian package stage of ./test.sh
# (tests/test-debian-package.sh) covers a real /usr installation.
# In an ASan build the installed programs are sanitized too: they run with
# the ASAN_OPTIONS/LSAN_OPTIONS of the caller (meson or ./test.sh).
set -euo pipefail

build=$(cd "$1" && pwd)
prefix=$2
bindir=$3
datadir=$4
id=io.github.pipecalc.PipeCalc

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipecalc-install.XXXXXX")
# shellcheck source=tests/install-lib.sh
. "$(dirname "$0")/install-lib.sh"

# Nothing from the caller's environment may point the programs anywhere.
unset PIPECALC_TRANSPORT_PATH PIPECALC_SERVER PIPECALCD PIPECALC_CLI \
  GSETTINGS_SCHEMA_DIR LANGUAGE 2>/dev/null || true
export LC_ALL=C.UTF-8
mkdir -m 0700 "$tmp/run"
export XDG_RUNTIME_DIR=$tmp/run HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config \
  XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache
mkdir -p "$HOME"

dest=$tmp/dest
root=$dest$prefix
bin=$root/$bindir
share=$root/$datadir

if ! meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$tmp/log" 2>&1; then
  not_ok "meson install --destdir"
  echo "1..$n"
  exit 1
fi
ok "meson install --destdir"

files=(
  "$bin/pipecalcd" "$bin/pipecalc-cli" "$bin/pipecalc"
  "$share/applications/$id.desktop" "$share/metainfo/$id.metainfo.xml"
  "$share/icons/hicolor/scalable/apps/$id.svg"
  "$share/icons/hicolor/symbolic/apps/$id-symbolic.svg"
  "$share/glib-2.0/schemas/$id.gschema.xml"
  "$share/locale/ru/LC_MESSAGES/pipecalc.mo"
  "$share/man/man1/pipecalcd.1" "$share/man/man1/pipecalc-cli.1" "$share/man/man1/pipecalc.1"
)
missing=
for f in "${files[@]}"; do
  [ -e "$f" ] || missing="$missing ${f#"$dest"}"
done
if [ -z "$missing" ] && ls "$root"/lib*/ -R 2>/dev/null | grep -q 'libpctransport-unix\.so'; then
  ok "every program, module and data file is installed"
else
  echo "missing:$missing" >"$tmp/log"
  not_ok "every program, module and data file is installed"
fi

# --list-transports: the installed modules, with no PIPECALC_TRANSPORT_PATH.
if "$bin/pipecalcd" --list-transports >"$tmp/log" 2>&1 &&
   grep -q '^unix ' "$tmp/log" && grep -q '^tcp ' "$tmp/log" && grep -q '^fifo ' "$tmp/log"; then
  ok "installed pipecalcd --list-transports finds unix, tcp and fifo"
else
  not_ok "installed pipecalcd --list-transports finds unix, tcp and fifo"
fi

# A server on unix, the CLI through it; the modules mapped into the
# server are the installed ones.
sock=$tmp/run/test.sock
"$bin/pipecalcd" --listen "unix:$sock" >"$tmp/server-unix.log" 2>&1 &
pids+=($!)
server=$!
if wait_for test -S "$sock" &&
   [ "$("$bin/pipecalc-cli" -c "unix:$sock" '2+2' 2>"$tmp/log")" = 4 ]; then
  ok "installed pipecalc-cli evaluates over unix with the installed pipecalcd"
else
  not_ok "installed pipecalc-cli evaluates over unix with the installed pipecalcd"
fi
grep -o '/[^ ]*libpctransport-[a-z]*\.so' "/proc/$server/maps" | sort -u >"$tmp/log" || true
if [ -s "$tmp/log" ] && ! grep -v "^$root/" "$tmp/log" >/dev/null; then
  ok "the server loaded its modules from the installed tree only"
else
  echo "(the modules mapped, above, should all lie under $root)" >>"$tmp/log"
  not_ok "the server loaded its modules from the installed tree only"
fi
kill "$server" 2>/dev/null || true
if wait "$server"; then ok "installed pipecalcd stops cleanly on SIGTERM"; else not_ok "installed pipecalcd stops cleanly on SIGTERM"; fi
pids=()

# A server on tcp (a free port: taken from the kernel, tried again should
# another program take it first).
tcp_ok=
for _ in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin/pipecalcd" --listen "tcp://127.0.0.1:$port" >"$tmp/server-tcp.log" 2>&1 &
  server=$!
  pids+=("$server")
  if wait_for grep -q 'listening on' "$tmp/server-tcp.log" && kill -0 "$server" 2>/dev/null; then
    if [ "$("$bin/pipecalc-cli" -c "tcp://127.0.0.1:$port" 'a=3' 'a*2' 2>"$tmp/log" | tail -n 1)" = 6 ]; then
      tcp_ok=1
    fi
    break
  fi
  wait "$server" 2>/dev/null || true
  pids=()
done
if [ -n "$tcp_ok" ]; then ok "installed pipecalc-cli evaluates over tcp with the installed pipecalcd"; else not_ok "installed pipecalc-cli evaluates over tcp with the installed pipecalcd"; fi
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
pids=()

# No server at the default address: the CLI starts the installed pipecalcd
# as its private server (not one of the configured prefix, absent here).
check "installed pipecalc-cli starts the installed pipecalcd as a private server" \
  bash -c '[ "$("$1/pipecalc-cli" 2+2)" = 4 ]' sh "$bin"

# Translations: the installed catalogue, found beside the installation.
msgid="Print the raw JSON-RPC replies"
russian=$(LANGUAGE=ru TEXTDOMAINDIR=$share/locale gettext pipecalc "$msgid") || true
check "installed pipecalc-cli speaks Russian with LANGUAGE=ru" \
  bash -c '[ "$3" != "$2" ] && LANGUAGE=ru "$1/pipecalc-cli" --help 2>&1 | grep -qF -- "$3"' \
  sh "$bin" "$msgid" "$russian"

# The window, under a private Xvfb and D-Bus session.
start_xvfb
export GSETTINGS_BACKEND=keyfile

# A DESTDIR install skips meson's post-install step (the schema compile a
# real installation runs, and the Debian package's trigger runs), so it
# is done here; the schema folder is then the installed one.
glib-compile-schemas "$share/glib-2.0/schemas" || true

russian=$(LANGUAGE=ru TEXTDOMAINDIR=$share/locale gettext pipecalc 'Pipe Calculator') || true
window_case "installed, Russian" "$bin/pipecalc" "$russian" \
  LANGUAGE=ru "XDG_DATA_DIRS=$share:/usr/share" "GSETTINGS_SCHEMA_DIR=$share/glib-2.0/schemas"
window_case "build tree" "$build/src/gui/pipecalc" "Pipe Calculator" \
  "GSETTINGS_SCHEMA_DIR=$build/data"

echo "1..$n"
exit "$status"
