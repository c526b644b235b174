#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Collects the Windows programs of a cross build, every DLL they need and
# the data they read into one folder that runs from anywhere on a bare
# Windows, laid out as GLib and GTK expect an installation to be (they
# find their data relative to their DLL's folder's parent):
#   bin\                       pipecalc.exe, pipecalcd.exe, pipecalc-cli.exe,
#                              the DLLs, GLib's spawn helpers
#   lib\pipecalc\transports\   the transport modules (pc-paths-win32.c)
#   lib\gdk-pixbuf-2.0\...     gdk-pixbuf's loaders (cache), as the prefix has
#   share\locale\ru\...        pipecalc's translations, GTK's and GLib's
#   share\glib-2.0\schemas\    GTK's and pipecalc's schemas, compiled
#   share\icons\               the application icon (hicolor, PNGs) and the
#                              symbolic icons the window uses (the prefix's
#                              Adwaita subset)
# The DLLs are those the programs, the modules and the loaders import from
# the prefix, found by walking the import tables (objdump -p) recursively;
# DLLs that Windows itself provides (KERNEL32, WS2_32, the C runtime...)
# are not in the prefix and are left out. The GTK parts are added only
# when the build has pipecalc.exe (a prefix with GTK 3): the run-time data
# the prefix lists in share/pipecalc/runtime.txt, and pipecalc's own.
#
# Usage: tools/windows/bundle.sh BUILD_DIR OUTPUT [PREFIX]
#   OUTPUT ending in .zip: a zip holding the folder pipecalc-VERSION-win64;
#   otherwise the folder to make (it must not exist).
#   PREFIX defaults to the one tools/windows/build-prefix.sh --print-prefix
#   names.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_root=$(cd "$here/../.." && pwd)
build=${1:?usage: bundle.sh BUILD_DIR OUTPUT [PREFIX]}
output=${2:?usage: bundle.sh BUILD_DIR OUTPUT [PREFIX]}
prefix=${3:-$("$here/build-prefix.sh" --print-prefix)}
objdump=x86_64-w64-mingw32-objdump

case $output in
  /*) ;;
  *) output=$PWD/$output ;;
esac
build=$(cd "$build" && pwd)

version=$(meson introspect --projectinfo "$build" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
name=pipecalc-$version-win64
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
case $output in
  *.zip) dest=$stage/$name ;;
  *)
    [ ! -e "$output" ] || { echo "bundle.sh: $output exists" >&2; exit 1; }
    dest=$output
    ;;
esac
mkdir -p "$dest/bin" "$dest/lib/pipecalc/transports"

have_gui=false
[ -f "$build/src/gui/pipecalc.exe" ] && have_gui=true

need() {
  [ -f "$1" ] || { echo "bundle.sh: $1 is missing; build first" >&2; exit 1; }
}

roots=()
for exe in src/server/pipecalcd.exe src/cli/pipecalc-cli.exe; do
  need "$build/$exe"
  cp "$build/$exe" "$dest/bin/"
  roots+=("$build/$exe")
done
if $have_gui; then
  cp "$build/src/gui/pipecalc.exe" "$dest/bin/"
  roots+=("$build/src/gui/pipecalc.exe")
fi
shopt -s nullglob
modules=("$build"/transports/*/libpctransport-*.dll)
shopt -u nullglob
[ ${#modules[@]} -gt 0 ] || { echo "bundle.sh: no transport modules in $build; build first" >&2; exit 1; }
cp "${modules[@]}" "$dest/lib/pipecalc/transports/"
roots+=("${modules[@]}")

# GLib starts programs through these helpers, which no import table names.
for helper in gspawn-win64-helper.exe gspawn-win64-helper-console.exe; do
  if [ -f "$prefix/bin/$helper" ]; then
    cp "$prefix/bin/$helper" "$dest/bin/"
    roots+=("$prefix/bin/$helper")
  fi
done

# gdk-pixbuf's loader modules, if it has any outside its DLL, with the
# cache that names them (paths relative to the installation's root, which
# gdk-pixbuf resolves on Windows).
pixbuf_dir=lib/gdk-pixbuf-2.0/2.10.0
if $have_gui && [ -d "$prefix/$pixbuf_dir/loaders" ] \
   && compgen -G "$prefix/$pixbuf_dir/loaders/*.dll" >/dev/null; then
  mkdir -p "$dest/$pixbuf_dir/loaders"
  cp "$prefix/$pixbuf_dir"/loaders/*.dll "$dest/$pixbuf_dir/loaders/"
  roots+=("$prefix/$pixbuf_dir"/loaders/*.dll)
  if [ -f "$prefix/$pixbuf_dir/loaders.cache" ]; then
    sed -e "s|\"[^\"]*/$pixbuf_dir/loaders/|\"$pixbuf_dir/loaders/|" \
      "$prefix/$pixbuf_dir/loaders.cache" > "$dest/$pixbuf_dir/loaders.cache"
  fi
fi

# Breadth-first over the import tables; a DLL name matches case-blind.
declare -A seen=()
queue=("${roots[@]}")
while [ ${#queue[@]} -gt 0 ]; do
  file=${queue[0]}
  queue=("${queue[@]:1}")
  while read -r dll; do
    key=${dll,,}
    [ -n "${seen[$key]:-}" ] && continue
    seen[$key]=1
    found=$(find "$prefix/bin" -maxdepth 1 -iname "$dll" -print -quit)
    if [ -n "$found" ]; then
      cp "$found" "$dest/bin/"
      queue+=("$found")
    fi
  done < <($objdump -p "$file" | sed -n 's/^[[:space:]]*DLL Name: //p')
done

# Without their debugging information: a third of the size.
find "$dest" \( -name '*.exe' -o -name '*.dll' \) -exec x86_64-w64-mingw32-strip --strip-unneeded {} +

# pipecalc's translations.
shopt -s nullglob
for mo in "$build"/po/*/LC_MESSAGES/pipecalc.mo; do
  lang=$(basename "$(dirname "$(dirname "$mo")")")
  mkdir -p "$dest/share/locale/$lang/LC_MESSAGES"
  cp "$mo" "$dest/share/locale/$lang/LC_MESSAGES/"
done
shopt -u nullglob

if $have_gui; then
  runtime=$prefix/share/pipecalc/runtime.txt
  if [ -f "$runtime" ]; then
    # The GTK run-time data the prefix lists (tools/windows/prefix/
    # runtime.sh): GTK's compiled schemas, the Adwaita icon subset, the
    # hicolor index, gdk-pixbuf's loaders cache, GTK's and GLib's Russian
    # catalogues. Each path goes to the same place in the bundle.
    while read -r rel; do
      [ -n "$rel" ] || continue
      [ -e "$prefix/$rel" ] || { echo "bundle.sh: $prefix/$rel (in runtime.txt) is missing" >&2; exit 1; }
      mkdir -p "$dest/$(dirname "$rel")"
      cp -r "$prefix/$rel" "$dest/$(dirname "$rel")/"
    done < "$runtime"
  else
    echo "bundle.sh: $runtime is missing: the prefix gives no GTK run-time data" >&2
    exit 1
  fi

  # pipecalc's schema joins GTK's, compiled again (the compiled format
  # does not depend on the platform), with its Windows defaults: the
  # local server over npipe (data/windows/*.gschema.override).
  schemas=$dest/share/glib-2.0/schemas
  mkdir -p "$schemas"
  cp "$source_root/data/io.github.pipecalc.PipeCalc.gschema.xml" \
    "$source_root/data/windows/io.github.pipecalc.PipeCalc.windows.gschema.override" "$schemas/"
  glib-compile-schemas --strict "$schemas"

  # The application icon (gtk_window_set_default_icon_name, the taskbar),
  # as PNGs: the prefix has no SVG loader. The theme's cache is made again
  # to name them: GTK trusts a cache over the folders.
  icons=$dest/share/icons
  mkdir -p "$icons/hicolor"
  [ -f "$icons/hicolor/index.theme" ] || cp /usr/share/icons/hicolor/index.theme "$icons/hicolor/"
  svg=$source_root/data/icons/hicolor/scalable/apps/io.github.pipecalc.PipeCalc.svg
  for size in 16 24 32 48 64 128 256; do
    mkdir -p "$icons/hicolor/${size}x${size}/apps"
    rsvg-convert -w $size -h $size -o "$icons/hicolor/${size}x${size}/apps/io.github.pipecalc.PipeCalc.png" "$svg"
  done
  gtk-update-icon-cache -q -f -t "$icons/hicolor"
fi

case $output in
  *.zip)
    rm -f "$output"
    (cd "$stage" && zip -q -r "$output" "$name")
    ;;
esac
echo "bundle.sh: $output ($(du -sh "$dest" | cut -f1) unpacked):"
(cd "$dest" && find . -type f | sed 's|^\./||' | sort | grep -v '^share/icons/' || true)
echo "share/icons: $(find "$dest/share/icons" -type f 2>/dev/null | wc -l) files"
