#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Runs the GUI tests (TAP on stdout) on a private Xvfb display, in a private
# D-Bus session with its own accessibility bus, with a private HOME, XDG
# directories and keyfile GSettings, so nothing touches the real desktop or
# the real user's settings and history.
#
#   tests/gui/run-gui-tests.sh [BUILDDIR] [CASE...]
#
# BUILDDIR defaults to _build_gui; meson passes the paths in the environment
# instead (PIPECALC_GUI, PIPECALCD, GSETTINGS_SCHEMA_DIR, ...). With
# PIPECALC_SCREENSHOTS=DIR it takes the screenshots into DIR instead of
# running the tests.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
srcroot=$(cd "$here/../.." && pwd)

build=
if [ $# -gt 0 ] && [ -d "$1" ]; then
  build=$(cd "$1" && pwd)
  shift
elif [ -z "${PIPECALC_GUI:-}" ]; then
  build=$srcroot/_build_gui
fi
if [ -n "$build" ]; then
  PIPECALC_GUI=$build/src/gui/pipecalc
  PIPECALCD=$build/src/server/pipecalcd
  PIPECALC_TRANSPORT_PATH=$build/transports
  GSETTINGS_SCHEMA_DIR=$build/data
  PIPECALC_LOCALEDIR=$build/po
fi
export PIPECALC_GUI PIPECALCD GSETTINGS_SCHEMA_DIR
export PIPECALC_TRANSPORT_PATH="${PIPECALC_TRANSPORT_PATH:-}"
export PIPECALC_LOCALEDIR="${PIPECALC_LOCALEDIR:-$(dirname "$GSETTINGS_SCHEMA_DIR")/po}"

bail() {
  # A TAP "Bail out!" makes meson report the reason, not just a failure.
  echo "Bail out! $*"
  echo "run-gui-tests: $*" >&2
  exit 1
}

for tool in Xvfb dbus-run-session gsettings; do
  command -v "$tool" >/dev/null 2>&1 ||
    bail "$tool is missing: run tools/install-deps.sh test (as root) or ./test.sh"
done
python=/usr/bin/python3
"$python" -c 'import dogtail, pyatspi, gi' 2>/dev/null ||
  bail "$python cannot import dogtail and pyatspi: install python3-dogtail (tools/install-deps.sh test)"
for file in "$PIPECALC_GUI" "$PIPECALCD"; do
  [ -x "$file" ] || bail "$file is not built"
done
[ -f "$GSETTINGS_SCHEMA_DIR/gschemas.compiled" ] ||
  bail "no compiled schema in $GSETTINGS_SCHEMA_DIR"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipecalc-gui.XXXXXX")
xvfb_pid=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  if [ -n "${PIPECALC_GUI_KEEP:-}" ]; then
    echo "run-gui-tests: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

# A free display: no lock file and no socket; if another Xvfb takes the
# number between the check and the start, ours exits and the next is tried.
display=
n=${PIPECALC_GUI_FIRST_DISPLAY:-90}
last=$((n + 60))
while [ "$n" -lt "$last" ] && [ -z "$display" ]; do
  if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then
    Xvfb ":$n" -screen 0 1280x900x24 -nolisten tcp -noreset >"$tmp/xvfb.log" 2>&1 &
    xvfb_pid=$!
    tries=0
    while [ "$tries" -lt 100 ]; do
      if ! kill -0 "$xvfb_pid" 2>/dev/null; then
        wait "$xvfb_pid" 2>/dev/null || true
        xvfb_pid=
        break
      fi
      if [ -S "/tmp/.X11-unix/X$n" ]; then
        display=:$n
        break
      fi
      sleep 0.1
      tries=$((tries + 1))
    done
    if [ -z "$display" ] && [ -n "$xvfb_pid" ]; then
      kill "$xvfb_pid" 2>/dev/null || true
      wait "$xvfb_pid" 2>/dev/null || true
      xvfb_pid=
    fi
  fi
  n=$((n + 1))
done
[ -n "$display" ] || bail "could not start Xvfb on any display; last log: $(tail -n 3 "$tmp/xvfb.log" 2>/dev/null)"

# Should this script be killed outright (SIGKILL skips the trap), the
# display does not outlive it.
runner=$$
(
  while kill -0 "$runner" 2>/dev/null; do sleep 1; done
  kill "$xvfb_pid" 2>/dev/null
  if [ -z "${PIPECALC_GUI_KEEP:-}" ] && [ -d "$tmp" ]; then
    sleep 3  # the driver notices and cleans up its case first
    rm -rf "$tmp"
  fi
) >/dev/null 2>&1 </dev/null &

# The private environment. XDG_RUNTIME_DIR must be 0700 (the accessibility
# bus and pipecalc's sockets live there); each case makes its own too.
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime" "$tmp/cases"
chmod 0700 "$tmp/runtime"
export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/data"
export XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export PIPECALC_GUI_TMP="$tmp/cases"
export GSETTINGS_BACKEND=keyfile
export DISPLAY="$display"
export GDK_BACKEND=x11
export LC_ALL=C.UTF-8
unset NO_AT_BRIDGE WAYLAND_DISPLAY AT_SPI_BUS_ADDRESS DBUS_SESSION_BUS_ADDRESS \
  SESSION_MANAGER LANGUAGE GTK_MODULES GTK_THEME 2>/dev/null || true
# GTK 3 talks to AT-SPI by itself (its atk-bridge is linked in and looks up
# the accessibility bus on the session bus) unless NO_AT_BRIDGE is set; no
# GTK_MODULES, no dconf key needed.
export PYTHONDONTWRITEBYTECODE=1

script=test_gui.py
if [ -n "${PIPECALC_SCREENSHOTS:-}" ]; then
  mkdir -p "$PIPECALC_SCREENSHOTS"
  PIPECALC_SCREENSHOTS=$(cd "$PIPECALC_SCREENSHOTS" && pwd)
  export PIPECALC_SCREENSHOTS
  script=screenshots.py
fi

# The whole run is bounded too (each case also has its own limit).
status=0
# TAP leaves on descriptor 3; the services of the D-Bus session (the
# accessibility registry prints a greeting) write to the log instead.
export PIPECALC_TAP_FD=3
# The driver stops (and cleans up) should this script die.
export PIPECALC_GUI_RUNNER_PID=$$
timeout --kill-after=10 "${PIPECALC_GUI_TIMEOUT:-1770}" \
  dbus-run-session -- "$python" "$here/$script" "$@" 3>&1 >"$tmp/stderr.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  grep -v -e 'Failed to set fd limit' -e '^dbus-daemon' -e 'SpiRegistry daemon' "$tmp/stderr.log" |
    tail -n 30 >"$tmp/stderr.tail" || true
  if [ -s "$tmp/stderr.tail" ]; then
    echo "# stderr of the test driver (last lines):"
    sed 's/^/#   /' "$tmp/stderr.tail"
  fi
fi
if [ "$status" -eq 124 ]; then
  echo "Bail out! the GUI tests ran longer than ${PIPECALC_GUI_TIMEOUT:-1770} s"
fi
exit "$status"
