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
pids=()
cleanup () {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

n=0
status=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () {
  n=$((n + 1))
  echo "not ok $n - $1"
  status=1
  if [ -s "$tmp/log" ]; then
    tail -n 20 "$tmp/log" | sed 's/^/# /'
  fi
}
# check NAME COMMAND...: a TAP line from the command's status; its output
# goes to $tmp/log, shown on failure.
check () {
  name=$1
  shift
  if "$@" >"$tmp/log" 2>&1; then ok "$name"; else not_ok "$name"; fi
}

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

# wait_for CONDITION...: up to 20 s.
wait_for () {
  for _ in $(seq 200); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

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
for tool in Xvfb xdotool xprop dbus-run-session glib-compile-schemas; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "Bail out! $tool is missing: run tools/install-deps.sh test (as root) or ./test.sh"
    exit 1
  fi
done
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
if ! wait_for test -s "$tmp/display"; then
  echo "Bail out! Xvfb did not start: $(tail -n 3 "$tmp/xvfb.log")"
  exit 1
fi
export DISPLAY=:$(cat "$tmp/display") GDK_BACKEND=x11 NO_AT_BRIDGE=1 GSETTINGS_BACKEND=keyfile

# A DESTDIR install skips meson's post-install step (the schema compile a
# real installation runs, and the Debian package's trigger runs), so it
# is done here; the schema folder is then the installed one.
glib-compile-schemas "$share/glib-2.0/schemas" || true

has_app_icon () {
  xprop -id "$1" -notype 32c _NET_WM_ICON 2>&1 | tr -s ', ' '\n\n' | grep -qx 4294932480
}

# window_case NAME PROGRAM TITLE [ENV...]: starts the window, waits for it,
# checks its title and that it carries the application's icon, then quits it with SIGTERM (Ctrl+Q's way).
window_case () {
  local name=$1 program=$2 title=$3
  shift 3
  # As in the GUI tests (tests/gui/pcgui.py): GTK and fontconfig keep
  # allocations until exit that LeakSanitizer reports, so leak detection
  # is off for the window only; memory errors still fail it.
  env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@" dbus-run-session -- "$program" >"$tmp/window.log" 2>&1 &
  local session=$!
  pids+=("$session")
  local win= pid=
  for _ in $(seq 300); do
    win=$(xdotool search --onlyvisible --class pipecalc 2>/dev/null | head -n 1) || true
    [ -n "$win" ] && break
    kill -0 "$session" 2>/dev/null || break
    sleep 0.1
  done
  # The window's process (the session bus's child), from _NET_WM_PID.
  [ -n "$win" ] && pid=$(xdotool getwindowpid "$win" 2>/dev/null) || true
  if [ -z "$pid" ]; then
    win=
  fi
  if [ -z "$win" ]; then
    cp "$tmp/window.log" "$tmp/log"
    not_ok "$name: the window opens"
    return
  fi
  sleep 1
  local got
  got=$(xprop -id "$win" _NET_WM_NAME | sed -n 's/^_NET_WM_NAME(UTF8_STRING) = "\(.*\)"$/\1/p')
  if [ "$got" = "$title" ]; then
    ok "$name: the window opens, titled “$title”"
  else
    echo "title: “$got”, expected “$title”" >"$tmp/log"
    cat "$tmp/window.log" >>"$tmp/log"
    not_ok "$name: the window opens, titled “$title”"
  fi
  # Ours, not a theme's fallback: some pixel is the orange of its "="
  # key (#ff7800, opaque: 0xffff7800).
  if wait_for has_app_icon "$win"; then
    ok "$name: the window shows the application icon"
  else
    xprop -id "$win" _NET_WM_ICON WM_CLASS _NET_WM_NAME 2>&1 | grep -v '^	' >"$tmp/log"
    xprop -id "$win" _NET_WM_ICON 2>&1 | head -n 50 >>"$tmp/log"
    not_ok "$name: the window shows the application icon"
  fi
  # dbus-run-session exits with the status of the window's process.
  kill "$pid" 2>/dev/null || true
  if wait "$session"; then
    ok "$name: the window quits cleanly on SIGTERM"
  else
    cp "$tmp/window.log" "$tmp/log"
    not_ok "$name: the window quits cleanly on SIGTERM"
  fi
  pids=("${pids[0]}")
}

russian=$(LANGUAGE=ru TEXTDOMAINDIR=$share/locale gettext pipecalc 'Pipe Calculator') || true
window_case "installed, Russian" "$bin/pipecalc" "$russian" \
  LANGUAGE=ru "XDG_DATA_DIRS=$share:/usr/share" "GSETTINGS_SCHEMA_DIR=$share/glib-2.0/schemas"
window_case "build tree" "$build/src/gui/pipecalc" "Pipe Calculator" \
  "GSETTINGS_SCHEMA_DIR=$build/data"

echo "1..$n"
exit "$status"
