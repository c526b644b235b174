# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Shared by tests/test-install.sh and tests/test-debian-package.sh, sourced
# after setting $tmp (a private temporary folder, removed on exit): TAP
# lines, waiting, a private Xvfb, and the window check.

pids=()
xvfb_pid=
cleanup () {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  if declare -F extra_cleanup >/dev/null; then extra_cleanup; fi
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
  local name=$1
  shift
  if "$@" >"$tmp/log" 2>&1; then ok "$name"; else not_ok "$name"; fi
}

# wait_for CONDITION...: up to 20 s.
wait_for () {
  for _ in $(seq 200); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

# A private Xvfb on a display it picks itself; sets DISPLAY.
start_xvfb () {
  for tool in Xvfb xdotool xprop dbus-run-session glib-compile-schemas; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "Bail out! $tool is missing: run tools/install-deps.sh test (as root) or ./test.sh"
      exit 1
    fi
  done
  Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
  xvfb_pid=$!
  if ! wait_for test -s "$tmp/display"; then
    echo "Bail out! Xvfb did not start: $(tail -n 3 "$tmp/xvfb.log")"
    exit 1
  fi
  DISPLAY=:$(cat "$tmp/display")
  export DISPLAY GDK_BACKEND=x11 NO_AT_BRIDGE=1
  # The number may be read while Xvfb is still writing it: wait until the
  # display answers before a window tries it.
  wait_for xprop -root -display "$DISPLAY" _NET_SUPPORTED >/dev/null 2>&1 || true
}

# The icon is ours, not a theme's fallback: some pixel is the orange of
# its "=" key (#ff7800, opaque: 0xffff7800).
has_app_icon () {
  xprop -id "$1" -notype 32c _NET_WM_ICON 2>&1 | tr -s ', ' '\n\n' | grep -qx 4294932480
}

# window_case NAME PROGRAM TITLE [ENV...]: starts the window in a private
# D-Bus session, waits for it, checks its title and that it carries the
# application's icon, then quits it with SIGTERM (Ctrl+Q's way).
window_case () {
  local name=$1 program=$2 title=$3
  shift 3
  # As in the GUI tests (tests/gui/pcgui.py): GTK and fontconfig keep
  # allocations until exit that LeakSanitizer reports, so leak detection
  # is off for the window only; memory errors still fail it.
  env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@" \
    dbus-run-session -- "$program" >"$tmp/window.log" 2>&1 &
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
  if [ -n "$win" ]; then
    pid=$(xdotool getwindowpid "$win" 2>/dev/null) || true
  fi
  if [ -z "$pid" ]; then
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
  if wait_for has_app_icon "$win"; then
    ok "$name: the window shows the application icon"
  else
    xprop -id "$win" _NET_WM_ICON 2>&1 | head -n 50 >"$tmp/log"
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
  pids=()
}
