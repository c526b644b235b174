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
#   lib\gdk-pixbuf-2.0\...     image loaders and their cache, if the prefix
#                              has loader modules
#   share\locale\ru\...        pipecalc's translations, GTK's and GLib's
#   share\glib-2.0\schemas\    GTK's and pipecalc's schemas, compiled
#   share\icons\               the application icon (hicolor) and the
#                              symbolic icons the window uses (an Adwaita
#                              subset, from this machine's adwaita-icon-theme)
# The DLLs are those the programs, the modules and the loaders import from
# the prefix, found by walking the import tables (objdump -p) recursively;
# DLLs that Windows itself provides (KERNEL32, WS2_32, the C runtime...)
# are not in the prefix and are left out. The GTK parts are added only
# when the build has pipecalc.exe (a prefix with GTK 3).
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

# Translations: pipecalc's, and GTK's and GLib's own Russian catalogues
# when the prefix has them (dialog buttons, the file chooser).
shopt -s nullglob
for mo in "$build"/po/*/LC_MESSAGES/pipecalc.mo; do
  lang=$(basename "$(dirname "$(dirname "$mo")")")
  mkdir -p "$dest/share/locale/$lang/LC_MESSAGES"
  cp "$mo" "$dest/share/locale/$lang/LC_MESSAGES/"
  if $have_gui; then
    for domain in gtk30 glib20; do
      if [ -f "$prefix/share/locale/$lang/LC_MESSAGES/$domain.mo" ]; then
        cp "$prefix/share/locale/$lang/LC_MESSAGES/$domain.mo" \
          "$dest/share/locale/$lang/LC_MESSAGES/"
      fi
    done
  fi
done
shopt -u nullglob

if $have_gui; then
  # Schemas: GTK's (the file chooser's settings) and pipecalc's, compiled
  # here; the compiled format does not depend on the platform.
  schemas=$dest/share/glib-2.0/schemas
  mkdir -p "$schemas"
  cp "$source_root/data/io.github.pipecalc.PipeCalc.gschema.xml" "$schemas/"
  shopt -s nullglob
  for xml in "$prefix"/share/glib-2.0/schemas/*.gschema.xml; do
    cp "$xml" "$schemas/"
  done
  shopt -u nullglob
  glib-compile-schemas --strict "$schemas"

  # The application icon, as PNGs: the prefix has no SVG loader. The
  # hicolor theme's index names the size folders.
  icons=$dest/share/icons
  mkdir -p "$icons/hicolor"
  cp /usr/share/icons/hicolor/index.theme "$icons/hicolor/"
  svg=$source_root/data/icons/hicolor/scalable/apps/io.github.pipecalc.PipeCalc.svg
  for size in 16 24 32 48 64 128 256; do
    mkdir -p "$icons/hicolor/${size}x${size}/apps"
    rsvg-convert -w $size -h $size -o "$icons/hicolor/${size}x${size}/apps/io.github.pipecalc.PipeCalc.png" "$svg"
  done

  # The symbolic icons of the window (named in its .ui files and code) and
  # of the GTK widgets it uses, from Adwaita's pre-rendered .symbolic.png.
  adwaita=/usr/share/icons/Adwaita
  [ -f "$adwaita/index.theme" ] || { echo "bundle.sh: $adwaita is missing (adwaita-icon-theme)" >&2; exit 1; }
  mkdir -p "$icons/Adwaita"
  cp "$adwaita/index.theme" "$icons/Adwaita/"
  mapfile -t icon_names < <(
    grep -rhoE '[a-z0-9-]+-symbolic' "$source_root/ui" "$source_root/src/gui" | sort -u
    cat <<'EOF'
window-close-symbolic
window-minimize-symbolic
window-maximize-symbolic
window-restore-symbolic
pan-down-symbolic
pan-up-symbolic
pan-start-symbolic
pan-end-symbolic
list-add-symbolic
list-remove-symbolic
edit-clear-symbolic
edit-find-symbolic
edit-copy-symbolic
edit-cut-symbolic
edit-paste-symbolic
edit-delete-symbolic
edit-select-all-symbolic
edit-undo-symbolic
open-menu-symbolic
view-more-symbolic
process-working-symbolic
object-select-symbolic
dialog-error-symbolic
dialog-warning-symbolic
dialog-information-symbolic
dialog-question-symbolic
dialog-password-symbolic
document-open-symbolic
document-save-symbolic
document-open-recent-symbolic
folder-symbolic
folder-new-symbolic
folder-documents-symbolic
folder-download-symbolic
folder-pictures-symbolic
user-home-symbolic
user-desktop-symbolic
drive-harddisk-symbolic
starred-symbolic
go-up-symbolic
go-down-symbolic
go-previous-symbolic
go-next-symbolic
text-x-generic-symbolic
image-x-generic-symbolic
caps-lock-symbolic
EOF
  )
  for size in 16x16 24x24 32x32 48x48; do
    for icon in "${icon_names[@]}"; do
      for found in "$adwaita/$size"/*/"$icon.symbolic.png"; do
        [ -f "$found" ] || continue
        rel=${found#"$adwaita/"}
        mkdir -p "$icons/Adwaita/$(dirname "$rel")"
        cp "$found" "$icons/Adwaita/$rel"
      done
    done
  done
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
