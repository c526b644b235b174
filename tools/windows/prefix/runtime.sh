# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The last step of tools/windows/build-prefix.sh: the run-time data a GTK
# program needs in a bundle, added to the assembled prefix, and the list
# of it, share/pipecalc/runtime.txt (paths relative to the prefix, one a
# line; a bundle copies each of them, file or folder, to the same place
# next to its bin/).
#
# Icons: GTK 3 builds without adwaita-icon-theme and carries in its own
# resources only a few symbolic icons (pan-*, window-*, list-add/remove,
# edit-clear/find, open-menu, ...). The others the window and GTK's
# widgets show come from Debian's adwaita-icon-theme package on the
# build machine, as the PNG renderings of the symbolic icons
# (NAME.symbolic.png: no SVG loader is needed), in the sizes GTK asks for.

# The symbolic icons that are not in GTK's resources: the window's own
# (ui/*.ui, src/gui/*.c) and those of the GTK widgets it uses (dialogs,
# popovers and menus, spinners, entries, the file chooser's basics).
runtime_icons=(
  view-reveal-symbolic view-conceal-symbolic zoom-original-symbolic
  process-stop-symbolic document-save-as-symbolic dialog-error-symbolic
  dialog-information-symbolic dialog-question-symbolic object-select-symbolic
  process-working-symbolic go-up-symbolic go-down-symbolic go-previous-symbolic
  go-next-symbolic edit-copy-symbolic edit-paste-symbolic edit-cut-symbolic
  edit-select-all-symbolic edit-delete-symbolic edit-undo-symbolic
  document-open-symbolic folder-symbolic folder-new-symbolic user-home-symbolic
  user-desktop-symbolic drive-harddisk-symbolic document-open-recent-symbolic
  text-x-generic-symbolic image-x-generic-symbolic starred-symbolic
  window-close-symbolic pan-down-symbolic pan-up-symbolic pan-start-symbolic
  pan-end-symbolic list-add-symbolic list-remove-symbolic open-menu-symbolic
  edit-clear-symbolic edit-find-symbolic
  input-dialpad-symbolic sidebar-show-right-symbolic user-trash-symbolic
)
runtime_icon_sizes=(16x16 24x24 32x32 48x48)
adwaita=/usr/share/icons/Adwaita

# assemble_runtime PREFIX
assemble_runtime() {
  local p=$1 name size f rel dirs="" n=0
  [ -f "$adwaita/index.theme" ] || die "$adwaita is missing (adwaita-icon-theme)"

  # GTK's (and GLib's) GSettings schemas, compiled. A bundle that adds
  # its own schemas compiles the folder again.
  glib-compile-schemas "$p/share/glib-2.0/schemas"

  # The Adwaita subset, with an index.theme that names only its folders,
  # the hicolor fallback theme's index, and their caches.
  rm -rf "$p/share/icons/Adwaita"
  for size in "${runtime_icon_sizes[@]}"; do
    for name in "${runtime_icons[@]}"; do
      for f in "$adwaita/$size"/*/"$name.symbolic.png"; do
        [ -f "$f" ] || continue
        rel=${f#"$adwaita/"}
        mkdir -p "$p/share/icons/Adwaita/${rel%/*}"
        cp "$f" "$p/share/icons/Adwaita/$rel"
        n=$((n + 1))
        case ",$dirs," in *",${rel%/*},"*) ;; *) dirs+="${dirs:+,}${rel%/*}" ;; esac
      done
    done
  done
  [ "$n" -gt 0 ] || die "no symbolic icons found in $adwaita"
  {
    printf '[Icon Theme]\nName=Adwaita\nComment=The Only One (the subset pipecalc uses)\n'
    printf 'Inherits=hicolor\nDirectories=%s\n' "$dirs"
    local d
    for d in ${dirs//,/ }; do
      size=${d%%x*}
      printf '\n[%s]\nContext=%s\nSize=%s\nType=Fixed\n' "$d" "${d#*/}" "$size"
    done
  } > "$p/share/icons/Adwaita/index.theme"
  mkdir -p "$p/share/icons/hicolor"
  cp /usr/share/icons/hicolor/index.theme "$p/share/icons/hicolor/"
  gtk-update-icon-cache -q -f -t "$p/share/icons/Adwaita"
  gtk-update-icon-cache -q -f -t "$p/share/icons/hicolor"

  # gdk-pixbuf's PNG loader is built into it: an empty loaders.cache
  # (no modules) keeps it from warning that the file is missing.
  mkdir -p "$p/lib/gdk-pixbuf-2.0/2.10.0"
  echo "# gdk-pixbuf's loaders are built in (tools/windows/prefix/gdk-pixbuf.sh)" \
    > "$p/lib/gdk-pixbuf-2.0/2.10.0/loaders.cache"

  mkdir -p "$p/share/pipecalc"
  {
    echo share/glib-2.0/schemas
    echo share/icons/Adwaita
    echo share/icons/hicolor
    echo lib/gdk-pixbuf-2.0/2.10.0/loaders.cache
    for f in "$p"/share/locale/ru/LC_MESSAGES/*.mo; do
      case "$f" in *-properties.mo) continue ;; esac
      if [ -f "$f" ]; then echo "${f#"$p/"}"; fi
    done
  } > "$p/share/pipecalc/runtime.txt"
}

# check_gtk_links PREFIX WORK: a tiny GTK program compiles and links
# against the prefix (every import library resolves: the atk typo of
# at-spi2-core 2.46 failed exactly here).
check_gtk_links() {
  local p=$1 w=$2
  cat > "$w/gtk-check.c" <<'EOT'
#include <gtk/gtk.h>
int main (int argc, char **argv)
{
  gtk_init (&argc, &argv);
  GtkWidget *w = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  gtk_container_add (GTK_CONTAINER (w), gtk_label_new ("2^10 = 1024"));
  g_print ("%s\n", atk_get_toolkit_name () ? "atk" : "");
  return w == NULL;
}
EOT
  # shellcheck disable=SC2046
  $host-gcc -o "$w/gtk-check.exe" "$w/gtk-check.c" \
    $(PKG_CONFIG_LIBDIR=$p/lib/pkgconfig pkg-config --cflags --libs gtk+-3.0)
}

# add_compiler_runtime PREFIX: the compiler's runtime DLLs that prefix
# DLLs import (HarfBuzz's C++ imports libgcc_s_seh-1.dll: meson's
# -Dcpp_link_args=-static-libgcc does not reach its link in a cross
# build), copied into bin/ so a bundle finds them there. They are GCC's
# runtime libraries, which the GCC Runtime Library Exception lets any
# program ship.
add_compiler_runtime() {
  local p=$1 f dll found
  for f in "$p"/bin/*.dll "$p"/bin/*.exe; do
    [ -f "$f" ] || continue
    while read -r dll; do
      [ ! -f "$p/bin/$dll" ] || continue
      found=$($host-g++ -print-file-name="$dll")
      if [ "$found" != "$dll" ] && [ -f "$found" ]; then
        cp "$found" "$p/bin/"
      fi
    done < <($host-objdump -p "$f" | sed -n 's/^\tDLL Name: //p')
  done
}

# check_imports PREFIX: every DLL a prefix DLL imports is either in the
# prefix's bin/ or Windows' own: a bundle walks these imports from bin/.
check_imports() {
  local p=$1 f dll bad=""
  for f in "$p"/bin/*.dll; do
    while read -r dll; do
      case "$dll" in
        lib*.dll|zlib1.dll) [ -f "$p/bin/$dll" ] || bad+=" ${f##*/}->$dll" ;;
      esac
    done < <($host-objdump -p "$f" | sed -n 's/^\tDLL Name: //p')
  done
  [ -z "$bad" ] || die "DLLs the prefix does not hold:$bad"
}
