#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The Windows installer end to end under wine, as TAP, as a Windows user
# meets it: pipecalc-VERSION-setup.exe (tools/windows/package.sh) installs
# silently (/S) into a private, fresh WINEPREFIX; the files, the Start menu
# shortcut and the uninstaller's registry entry are there; the installed
# pipecalc-cli.exe computes with a private server; the installed
# pipecalc.exe opens its window under a private Xvfb, starts its private
# pipecalcd.exe without a console window, computes 2^10 (the
# screenshot must show the same result row as for the literal 1024, and
# not the one for 2^11), runs its private pipecalcd.exe while open and
# stops it when closed, plots sin(x) in its graph pane and exports it
# through Windows' own file dialog as an SVG that renders with the
# curve's colour, and speaks Russian with LANGUAGE=ru; the uninstaller (/S) removes everything it installed and nothing else.
#
# AT-SPI does not reach wine, so the window is found by its title with
# xdotool and read from screenshots. Wine's pango-win32 sees only the
# DejaVu fonts here: the window runs with PIPECALC_FONT="DejaVu Sans", a
# test-only override (src/gui/pc-font-override.h).
#
# Usage: test-installer.sh BUILD_DIR PREFIX
# The installer is BUILD_DIR/package/pipecalc-VERSION-setup.exe, made by
# tools/windows/windows-tests.sh; made here when missing or older than
# the programs. PIPECALC_SCREENSHOTS=DIR keeps the screenshots.
set -u
build=${1:?usage: test-installer.sh BUILD_DIR PREFIX}
prefix=${2:?usage: test-installer.sh BUILD_DIR PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
# shellcheck source=tests/windows/wine-lib.sh
. "$here/wine-lib.sh"
unset WINEPATH PIPECALC_TRANSPORT_PATH PIPECALCD PIPECALC_CLI PIPECALC_SERVER
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8
export WINEPREFIX=$work/wine WINEDEBUG=-all
# Wine's server for this prefix goes before the prefix does.
trap 'wineserver -k 2>/dev/null; wine_lib_cleanup' EXIT
# No menu entries in the real desktop, no Mono or Gecko prompts.
export WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=;mshtml="
shots=${PIPECALC_SCREENSHOTS:-$work/shots}
mkdir -p "$shots"

# A private X server for the whole wine prefix, started before wine: the
# window needs it, and wine's desktop process takes the display it first
# sees.
unset DISPLAY
if command -v Xvfb >/dev/null; then
  exec 5>"$work/displayfd"
  Xvfb -displayfd 5 -screen 0 1024x768x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  pids+=($!)
  exec 5>&-
  for _ in $(seq 100); do
    [ -s "$work/displayfd" ] && break
    sleep 0.1
  done
  [ -s "$work/displayfd" ] && export DISPLAY=:$(head -n 1 "$work/displayfd")
fi

echo "1..14"

# ---- The installer -------------------------------------------------------
version=$(meson introspect --projectinfo "$build" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
setup=$build/package/pipecalc-$version-setup.exe
bundle=$build/package/pipecalc-$version-win64
stale=false
if [ ! -f "$setup" ] || [ ! -d "$bundle" ]; then
  stale=true
else
  for f in "$build"/src/*/*.exe "$build"/transports/*/*.dll; do
    [ "$f" -nt "$setup" ] && stale=true
  done
fi
if $stale; then
  if ! "$here/../../tools/windows/package.sh" "$build" "$build/package" "$prefix" \
       >"$work/package.log" 2>&1; then
    not_ok "tools/windows/package.sh makes the installer" "$work/package.log"
    exit 0
  fi
fi

started=$SECONDS
if timeout 300 wine "$setup" /S >"$work/setup.log" 2>&1; then
  ok "pipecalc-$version-setup.exe /S installs silently ($(du -h "$setup" | cut -f1), $((SECONDS - started)) s with a fresh wine prefix)"
else
  not_ok "pipecalc-$version-setup.exe /S installs silently" "$work/setup.log"
  exit 0
fi

# Windows paths of the wine prefix, as Linux paths.
winpath_u() { wine winepath -u "$1" 2>/dev/null | tr -d '\r'; }
localappdata=$(winpath_u "$(wine cmd /c 'echo %LOCALAPPDATA%' 2>/dev/null | tr -d '\r')")
appdata=$(winpath_u "$(wine cmd /c 'echo %APPDATA%' 2>/dev/null | tr -d '\r')")
inst=${localappdata%/}/Programs/pipecalc
shortcut="${appdata%/}/Microsoft/Windows/Start Menu/Programs/pipecalc.lnk"

missing=$( (cd "$bundle" && find . -type f) | while read -r f; do
  cmp -s "$bundle/$f" "$inst/$f" || echo "$f"
done)
if [ -d "$inst" ] && [ -z "$missing" ] && [ -f "$inst/uninstall.exe" ] && [ -f "$shortcut" ]; then
  ok "every file of the bundle ($(find "$bundle" -type f | wc -l)) is in %LOCALAPPDATA%\\Programs\\pipecalc, with uninstall.exe and the Start menu shortcut"
else
  echo "# missing or different: $(echo "$missing" | head -n 5 | tr '\n' ' ')"
  ls "$inst" "$shortcut" 2>&1 | sed 's/^/# /'
  not_ok "every file of the bundle is in %LOCALAPPDATA%\\Programs\\pipecalc, with uninstall.exe and the Start menu shortcut"
fi

key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\pipecalc'
wine reg query "$key" >"$work/reg.txt" 2>&1
sed -i 's/\r$//' "$work/reg.txt"
reg_bad=""
for value in DisplayName DisplayVersion DisplayIcon UninstallString QuietUninstallString \
             EstimatedSize Publisher; do
  grep -q "^ *$value " "$work/reg.txt" || reg_bad+=" $value"
done
grep -q "DisplayVersion *REG_SZ *$version\$" "$work/reg.txt" || reg_bad+=" DisplayVersion=$version"
grep -qi 'QuietUninstallString *REG_SZ *"C:\\users\\.*\\Programs\\pipecalc\\uninstall.exe" /S$' \
  "$work/reg.txt" || reg_bad+=" QuietUninstallString=...uninstall.exe /S"
if [ -z "$reg_bad" ]; then
  ok "the uninstaller is registered under $key (name, version, icon, quiet uninstall, size, publisher)"
else
  echo "# wrong or missing:$reg_bad"
  not_ok "the uninstaller is registered under $key" "$work/reg.txt"
fi

# The installed CLI with nothing at the default address starts its own
# private server (npipe) from the installed tree: transports, DLLs and
# pipecalcd.exe are found relative to the program.
out=$(cd "$inst/bin" && timeout 120 wine ./pipecalc-cli.exe --timeout 20 '2^10' 2>"$work/cli.err" </dev/null | tr -d '\r')
if [ "$out" = 1024 ]; then
  ok "the installed pipecalc-cli.exe prints 1024 for 2^10 through its private server"
else
  echo "# got: $out"
  not_ok "the installed pipecalc-cli.exe prints 1024 for 2^10 through its private server" "$work/cli.err"
fi

# ---- The window -----------------------------------------------------------
gui_reason=""
if [ ! -f "$inst/bin/pipecalc.exe" ]; then
  gui_reason="the build has no pipecalc.exe (its prefix has no GTK 3)"
else
  for tool in Xvfb xdotool import convert; do
    command -v "$tool" >/dev/null || gui_reason="$tool is missing (tools/install-deps.sh test installs it)"
  done
  [ -z "$gui_reason" ] && [ -z "${DISPLAY:-}" ] && gui_reason="Xvfb did not start: $(tail -n 1 "$work/xvfb.log")"
fi

# How many processes of this wine prefix run the program $1 (wine 8's
# tasklist lists nothing): a wine process's command line is its Windows
# one, its environment has our WINEPREFIX.
wine_processes() {
  local n=0 pid
  for pid in $(pgrep -f -i "$1" 2>/dev/null); do
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "WINEPREFIX=$WINEPREFIX" \
      && n=$((n + 1))
  done
  echo "$n"
}

# start_window LOG TITLE [ENV...]: pipecalc.exe from the installed tree;
# sets $window_pid and $wid (empty when no window with TITLE appears).
start_window() {
  local log=$1 title=$2
  shift 2
  # The window runs as a user starts it: without meson's
  # G_DEBUG=fatal-criticals. Under wine, GDK's win32 settings turn the
  # system's message font into a Pango description, wine's has none, and
  # GDK passes the NULL on (gdkproperty-win32.c: "Pango-CRITICAL:
  # pango_font_description_to_string: assertion 'desc != NULL'"): harmless,
  # a real Windows has Segoe UI, but fatal under that flag.
  local attempt pid
  for attempt in 1 2; do
    (cd "$inst/bin" && exec env -u G_DEBUG "$@" PIPECALC_FONT="DejaVu Sans" wine ./pipecalc.exe) >"$log" 2>&1 &
    window_pid=$!
    pids+=("$window_pid")
    wid=$(timeout 90 xdotool search --sync --onlyvisible --name "^$title\$" 2>/dev/null | head -n 1)
    [ -n "$wid" ] && return
    # Once in several runs, a second start of pipecalc.exe in this wine
    # prefix printed nothing and showed no window for minutes (wine never
    # ran it: its log stayed empty). Said, and tried once more.
    echo "# attempt $attempt: no window \"$title\" within 90 s; log: $(wc -c <"$log") bytes"
    for pid in $(pgrep -f -i 'pipecalc.exe' 2>/dev/null); do
      tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "WINEPREFIX=$WINEPREFIX" \
        && kill "$pid" 2>/dev/null
    done
    kill "$window_pid" 2>/dev/null
  done
}

# click X Y: a click at X, Y of the window; X, Y < 0 count from the right
# and bottom edges. Return and Ctrl+Q do not reach GTK under wine (GDK
# cannot load wine's keyboard layout to translate them), so the test
# clicks the "=" button and the title bar's close button.
click() {
  local x=$1 y=$2 width height
  eval "$(xdotool getwindowgeometry --shell "$wid")"
  width=$WIDTH height=$HEIGHT
  [ "$x" -lt 0 ] && x=$((width + x))
  [ "$y" -lt 0 ] && y=$((height + y))
  xdotool mousemove --window "$wid" "$x" "$y" click 1
  xdotool mousemove 1023 767
}

# stop_window: the close button; TRUE when pipecalc.exe has exited
# within 30 s.
stop_window() {
  click -27 27
  for _ in $(seq 60); do
    kill -0 "$window_pid" 2>/dev/null || return 0
    sleep 0.5
  done
  return 1
}

# shot NAME: the window's picture, as PNG and as 8-bit grey PGM.
shot() {
  import -window "$wid" "$shots/$1.png" 2>/dev/null \
    && convert "$shots/$1.png" -colorspace Gray -depth 8 "$work/$1.pgm"
}

# equals_x: the x of the middle of the "=" button, found in a picture of
# the window as the run of the theme's suggested-action blue at the
# entry's height (y = 79) — its place depends on the layout (the spinner's
# reserved room, the clamp), so it is looked for, not assumed.
equals_x() {
  import -window "$wid" "$work/find-equals.png" 2>/dev/null || return 1
  convert "$work/find-equals.png" -crop "x1+0+79" +repage -depth 8 rgb:- | python3 -c '
import sys
row = sys.stdin.buffer.read()
blue = [i // 3 for i in range(0, len(row) - 2, 3)
        if row[i + 2] > 170 and row[i] < 120 and row[i + 2] - row[i] > 80]
runs, start = [], None
for a, b in zip(blue, blue[1:] + [None]):
    start = a if start is None else start
    if b != a + 1:
        runs.append((start, a))
        start = None
runs = [r for r in runs if r[1] - r[0] >= 15]
if runs:
    print((runs[-1][0] + runs[-1][1]) // 2)
'
}

# The header bar's f(x) toggle (Show the graph pane), counted from the
# right edge: close, the main menu, then f(x) (ui/pc-window.ui packs them
# from the end).
graph_toggle_x=-199

# export_button_xy: "X Y" of the graph pane's Export button in the last
# picture (graph.png): the last button of the pane's toolbar, on the row
# of the first curve's legend, a short line of the curve's blue at the
# left edge, the topmost blue there below the entry row.
export_button_xy() {
  convert "$shots/graph.png" -crop "40x+0+0" +repage -depth 8 rgb:- | python3 -c '
import sys
data = sys.stdin.buffer.read()
for y in range(110, len(data) // 120):
    row = data[y * 120:(y + 1) * 120]
    if any(abs(row[i] - 0x35) <= 40 and abs(row[i + 1] - 0x84) <= 40 and abs(row[i + 2] - 0xe4) <= 40
           for i in range(30, 120, 3)):
        print(-35, y)
        break
else:
    sys.exit(1)
'
}

# enter TEXT: types TEXT into the window's expression entry and clicks "=".
enter() {
  local x
  xdotool windowfocus --sync "$wid" 2>/dev/null
  xdotool type --delay 60 "$1"
  x=$(equals_x)
  [ -n "$x" ] || { echo "# no \"=\" button (suggested-action blue) at y = 79" >&2; return 1; }
  click "$x" 79
  sleep 3
}

if [ -n "$gui_reason" ]; then
  for what in "the window appears" "a private pipecalcd.exe runs while the window is open" \
              "no console window opens for the private pipecalcd.exe" "the window shows 1024 for 2^10" \
              "the graph pane plots sin(x)" "the graph exports as SVG through the Windows file dialog" \
              "the window speaks Russian with LANGUAGE=ru" "closing the window stops its private pipecalcd.exe"; do
    echo "# skipped: $gui_reason"
    skip "$what: $gui_reason"
  done
else
  # Away from the rows: a row under the pointer is drawn highlighted.
  xdotool mousemove 1023 767
  start_window "$work/window.log" "Pipe Calculator"
  if [ -n "$wid" ]; then
    ok "the installed pipecalc.exe opens its window (\"Pipe Calculator\", X window $wid)"
  else
    not_ok "the installed pipecalc.exe opens its window" "$work/window.log"
  fi

  # The window's embedded default: a private server on npipe://./pipecalc,
  # started when the window connects.
  servers=0
  for _ in $(seq 40); do
    servers=$(wine_processes pipecalcd.exe)
    [ "$servers" -ge 1 ] && break
    sleep 0.5
  done
  if [ "$servers" -ge 1 ]; then
    ok "a private pipecalcd.exe runs while the window is open"
  else
    pgrep -a -f -i 'pipecalc' | sed 's/^/# /'
    not_ok "a private pipecalcd.exe runs while the window is open" "$work/window.log"
  fi

  # GLib's own spawn (gspawn-win64-helper.exe, _wspawnvp) gives a console
  # program started from a GUI program a console window, titled with its
  # path; wine draws it too. pc-child-win32.c's CREATE_NO_WINDOW must not.
  consoles=$(xdotool search --onlyvisible --name 'pipecalcd' 2>/dev/null | wc -l)
  if [ "$servers" -ge 1 ] && [ "$consoles" -eq 0 ]; then
    ok "no console window opens for the private pipecalcd.exe"
  else
    for w in $(xdotool search --onlyvisible --name 'pipecalcd' 2>/dev/null); do
      echo "# console window: $(xdotool getwindowname "$w")"
    done
    not_ok "no console window opens for the private pipecalcd.exe"
  fi

  # The literal 1024 first: its result row is the reference the row of
  # 2^10 must match pixel for pixel (same text, font and place in the row).
  expression=${PIPECALC_TEST_EXPRESSION:-2^10}
  if [ -n "$wid" ] && shot before && enter 1024 && shot reference \
     && enter "$expression" && shot result \
     && python3 "$here/compare-rows.py" "$work/before.pgm" "$work/reference.pgm" \
          "$work/result.pgm" >"$work/compare.log" 2>&1; then
    ok "the window shows 1024 for $expression (its result row matches the one of the literal 1024)"
    sed 's/^/# /' "$work/compare.log"
  else
    not_ok "the window shows 1024 for $expression (its result row matches the one of the literal 1024)" \
      "$work/compare.log"
  fi

  # The graph: sin(x) in the entry, then the header bar's f(x) toggle
  # (Ctrl+G does not reach GTK under wine). The curve is the palette's
  # first colour, below the entry row.
  curve_x=-1
  if [ -n "$wid" ]; then
    xdotool windowfocus --sync "$wid" 2>/dev/null
    xdotool type --delay 60 'sin(x)'
    click "$graph_toggle_x" 27
    for _ in $(seq 30); do
      sleep 0.5
      shot graph || continue
      curve_x=$(python3 "$here/curve-pixels.py" "$shots/graph.png" 110)
      [ "$curve_x" -ge 200 ] && break
    done
  fi
  if [ "$curve_x" -ge 200 ]; then
    ok "the f(x) button plots sin(x) in the graph pane ($curve_x pixels of the curve's colour)"
  else
    echo "# pixels of the curve's colour below the entry: $curve_x (see graph.png)"
    not_ok "the f(x) button plots sin(x) in the graph pane" "$work/window.log"
  fi

  # Export: the pane's last toolbar button opens Windows' own file dialog
  # (GtkFileChooserNative: comdlg32's IFileDialog, drawn by wine; GTK's
  # own dialog would mean a filter Windows' cannot show), whose keyboard
  # is wine's, not GDK's: the name, the type and Return are typed there.
  svg=$WINEPREFIX/drive_c/pipecalc-graph.svg
  exported=false
  if [ "$curve_x" -ge 200 ] && export_button=$(export_button_xy); then
    # shellcheck disable=SC2086
    click $export_button
    dialog=$(timeout 60 xdotool search --sync --onlyvisible --name '^Export the Graph$' 2>/dev/null | head -n 1)
    if [ -n "$dialog" ]; then
      sleep 1
      xdotool windowfocus --sync "$dialog" 2>/dev/null
      # The name field has the focus, with the suggested name: replaced
      # (wine's edit control has no Ctrl+A).
      xdotool key --delay 100 End shift+Home Delete
      # As a Windows user saves: a name, then the type (SVG, the second,
      # after the name field), whose extension the dialog adds.
      xdotool type --delay 60 'C:\pipecalc-graph'
      xdotool key --delay 200 Tab Down
      import -window root "$shots/export-dialog.png" 2>/dev/null
      xdotool key Return
      for _ in $(seq 40); do
        [ -s "$svg" ] && break
        sleep 0.5
      done
      sleep 1
      [ -s "$svg" ] && exported=true
      if ! $exported; then
        find "$WINEPREFIX/drive_c" "$work" -name 'pipecalc-graph*' 2>/dev/null | sed 's/^/# written instead: /'
        import -window root "$shots/export-dialog-after.png" 2>/dev/null
        # The dialog stays open: cancel it, so the window can close.
        xdotool search --onlyvisible --name '^Export the Graph$' 2>/dev/null | head -n 1 \
          | xargs -r -I{} xdotool windowfocus --sync {} key Escape
      fi
    else
      echo "# no window titled \"Export the Graph\" appeared"
    fi
  else
    echo "# no graph, or no export button found in graph.png"
  fi
  if $exported && head -c 200 "$svg" | grep -q '<svg' \
     && rsvg-convert -o "$shots/exported-svg.png" "$svg" 2>"$work/rsvg.log" \
     && svg_curve=$(python3 "$here/curve-pixels.py" "$shots/exported-svg.png" 0) \
     && [ "$svg_curve" -ge 200 ] && ! grep -q 'Gtk-CRITICAL' "$work/window.log"; then
    ok "the graph exports through the Windows file dialog as an SVG ($(stat -c %s "$svg") bytes; rendered, $svg_curve pixels of the curve's colour; no GTK critical)"
  else
    $exported && echo "# $(head -c 120 "$svg" | tr '\n' ' ')"
    cat "$work/rsvg.log" 2>/dev/null | sed 's/^/# /'
    grep 'Gtk-CRITICAL' "$work/window.log" | head -n 3 | sed 's/^/# /'
    not_ok "the graph exports through the Windows file dialog as an SVG" "$work/window.log"
  fi

  closed=false
  [ -n "$wid" ] && stop_window && closed=true
  left=1
  for _ in $(seq 40); do
    left=$(wine_processes pipecalcd.exe)
    [ "$left" -eq 0 ] && break
    sleep 0.5
  done
  if $closed && [ "$left" -eq 0 ]; then
    ok "closing the window ends pipecalc.exe and stops its private pipecalcd.exe"
  else
    echo "# window closed: $closed; pipecalcd.exe processes left: $left"
    not_ok "closing the window ends pipecalc.exe and stops its private pipecalcd.exe" "$work/window.log"
  fi

  start_window "$work/window-ru.log" "Калькулятор pipecalc" LANGUAGE=ru
  if [ -n "$wid" ]; then
    shot russian
    ok "with LANGUAGE=ru the window's title is Russian (\"Калькулятор pipecalc\")"
    stop_window || true
  else
    xdotool search --name '.' getwindowname 2>/dev/null | sed 's/^/# window: /' | head -n 5
    not_ok "with LANGUAGE=ru the window's title is Russian (\"Калькулятор pipecalc\")" "$work/window-ru.log"
  fi
fi

# ---- The uninstaller ------------------------------------------------------
# A file of the user's in the installation folder must survive.
echo "mine" >"$inst/notes.txt"
# uninstall.exe copies itself to %TEMP% and returns at once: wait for the
# files to go.
timeout 120 wine "$inst/uninstall.exe" /S >"$work/uninstall.log" 2>&1
for _ in $(seq 120); do
  [ ! -e "$inst/bin" ] && [ ! -e "$inst/uninstall.exe" ] && break
  sleep 0.5
done
sleep 1
left=$(cd "$inst" 2>/dev/null && find . -mindepth 1 | sed 's|^\./||' | sort | tr '\n' ' ')
if [ "$left" = "notes.txt " ] && [ ! -e "$shortcut" ]; then
  ok "uninstall.exe /S removes every installed file, folder and the shortcut, and keeps the user's notes.txt"
else
  echo "# left in the installation folder: $(echo "$left" | cut -c1-300)"
  [ -e "$shortcut" ] && echo "# the shortcut is still there"
  not_ok "uninstall.exe /S removes every installed file, folder and the shortcut, and keeps the user's notes.txt" \
    "$work/uninstall.log"
fi

if wine reg query "$key" >"$work/reg-after.txt" 2>&1; then
  not_ok "uninstall.exe /S removes the registry key $key" "$work/reg-after.txt"
else
  ok "uninstall.exe /S removes the registry key $key"
fi
