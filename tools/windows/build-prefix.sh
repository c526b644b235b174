#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Builds, with mingw-w64, the Windows prefix pipecalc links against, from
# Debian's own source packages: libintl (gettext), libffi, pcre2,
# GLib/GIO, jansson, muparser, and the GTK 3 stack (libpng, pixman,
# fribidi, harfbuzz, cairo, pango, gdk-pixbuf, libepoxy, atk, GTK); zlib
# comes ready-made from libz-mingw-w64-dev. Everything is a DLL: the
# programs and the transport modules must share one GLib (one GType
# registry, one main context), which a static GLib per module would break;
# GLib and GTK are LGPL, so DLLs are also the simplest way to ship them.
#
# One recipe a package, in tools/windows/prefix/NAME.sh (what it is built
# from, what it is built on, and how); tools/windows/prefix/lib.sh has the
# shared helpers. Each package is a cached step:
#   $cache/pkg-NAME-KEY.tar
# where KEY hashes the package's source version, its recipe, the helpers,
# the compiler, and the KEYs of the packages it is built on: a change to
# GTK's recipe rebuilds GTK only, a new GLib rebuilds GLib and everything
# above it. A package is built in a staging prefix that holds exactly the
# packages it is built on, installed with DESTDIR, and packed into its
# tarball with relocatable .pc files. The final prefix,
#   $cache/prefix-KEY   (KEY hashes every package's KEY and the cross file)
# is the tarballs unpacked in order plus the run-time data a bundle needs
# (share/pipecalc/runtime.txt lists it). Tarballs and the prefix are
# written under temporary names and renamed when complete, so an
# interrupted build never looks done; a lock file lets one build run at
# a time per cache. The cache is
#   ${PIPECALC_WINDOWS_CACHE:-/var/cache/pipecalc-windows}
#
# Usage: tools/windows/build-prefix.sh [--print-prefix | --plan]
#   --print-prefix  print only the prefix path on stdout (progress goes to
#                   stderr), building the prefix first if it is missing.
#   --plan          build nothing: list each package, its version and KEY,
#                   and whether it is cached or would be built.
# The prefix holds share/pipecalc/cross-x86_64-w64-mingw32.ini, the meson
# cross file for pipecalc (with exe_wrapper = wine).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
recipes=$here/prefix
cache=${PIPECALC_WINDOWS_CACHE:-/var/cache/pipecalc-windows}
host=x86_64-w64-mingw32
jobs=${PIPECALC_WINDOWS_JOBS:-2}

# In build order: each package comes after the packages it is built on.
packages=(zlib libintl libffi pcre2 glib jansson muparser
          libpng pixman fribidi harfbuzz cairo pango gdk-pixbuf libepoxy atk gtk)

print_prefix=false
plan=false
case "${1:-}" in
  --print-prefix) print_prefix=true ;;
  --plan) plan=true ;;
  "") ;;
  *) echo "usage: $0 [--print-prefix | --plan]" >&2; exit 2 ;;
esac

# With --print-prefix, stdout carries the path and nothing else.
exec 3>&1
if $print_prefix; then
  exec 1>&2
fi

# shellcheck source=prefix/lib.sh
. "$recipes/lib.sh"

for tool in $host-gcc $host-g++ $host-objdump $host-windres meson ninja cmake make \
    pkg-config dpkg-source curl glib-compile-schemas glib-compile-resources \
    gdk-pixbuf-pixdata msgfmt; do
  command -v "$tool" >/dev/null || die "$tool is missing (tools/install-deps.sh test installs it)"
done
[ -f /usr/$host/lib/libz.dll.a ] || die "libz-mingw-w64-dev is missing"

# Each recipe says where it comes from (source=PKG/SUITE, or
# "source=dpkg:PACKAGE" for a ready-made Debian package), which parts
# of the source package it uses (parts=all|orig), what it is built on
# (deps=...), and how (a pkg_build function). A package's KEY hashes its
# version, its recipe, the helpers it runs, the compiler and the KEYs of
# what it is built on.
# The recipe's text is read once, hashed into the KEY and run from that
# copy, so a recipe edited during a build never lands under the old KEY.
declare -A key version deps_of source_of parts_of recipe_text
# The helpers' part of a key is the code of the functions that shape what
# a package's tarball holds (not lib.sh's comments or progress messages).
tools_sum=$( (declare -f run stage_env meson_build autotools_build cmake_build finish_package
              cat "$here/cross-x86_64-w64-mingw32.ini.in") | sha256sum | cut -c1-16)
gcc_version=$($host-gcc -dumpversion)
for pkg in "${packages[@]}"; do
  [ -f "$recipes/$pkg.sh" ] || die "no recipe $recipes/$pkg.sh"
  recipe_text[$pkg]=$(cat "$recipes/$pkg.sh")
  IFS='|' read -r source_of[$pkg] parts_of[$pkg] deps_of[$pkg] < <(
    source=; parts=all; deps=
    eval "${recipe_text[$pkg]}"
    echo "$source|$parts|$deps")
done
# One apt call for every version; the deb-src entries are looked at (and
# added) only when apt knows too little.
declare -A source_versions
source_versions_of source_versions "${source_of[@]}"
for pkg in "${packages[@]}"; do
  if [ -z "${source_versions[${source_of[$pkg]}]:-}" ]; then
    ensure_deb_src bookworm glib2.0 pipecalc-deb-src.sources
    ensure_deb_src trixie at-spi2-core pipecalc-trixie-src.sources
    source_versions_of source_versions "${source_of[@]}"
    break
  fi
done
for pkg in "${packages[@]}"; do
  version[$pkg]=${source_versions[${source_of[$pkg]}]:-}
  [ -n "${version[$pkg]}" ] || die "apt knows no source package ${source_of[$pkg]}"
  text="$pkg=${version[$pkg]} gcc=$gcc_version tools=$tools_sum"
  text+=" recipe=$(sha256sum <<< "${recipe_text[$pkg]}" | cut -c1-16)"
  for dep in ${deps_of[$pkg]}; do
    [ -n "${key[$dep]:-}" ] || die "$pkg is built on $dep, which must come before it"
    text+=" $dep:${key[$dep]}"
  done
  key[$pkg]=$(echo "$text" | sha256sum | cut -c1-16)
done

final_text=""
for pkg in "${packages[@]}"; do
  final_text+="$pkg=${version[$pkg]}:${key[$pkg]} "
done
final_text+="icons=$(dpkg-query -W -f='${Version}' adwaita-icon-theme 2>/dev/null || echo none) "
final_text+="post=$(cat "$recipes/runtime.sh" "$here/cross-x86_64-w64-mingw32.ini.in" \
  | sha256sum | cut -c1-16)"
final_key=$(echo "$final_text" | sha256sum | cut -c1-16)
prefix=$cache/prefix-$final_key

if $plan; then
  for pkg in "${packages[@]}"; do
    state="would be built"
    [ -f "$cache/pkg-$pkg-${key[$pkg]}.tar" ] && state=cached
    printf '%-11s %-22s %s  %s\n' "$pkg" "${version[$pkg]}" "${key[$pkg]}" "$state"
  done
  state="would be assembled"
  [ -f "$prefix/share/pipecalc/cross-x86_64-w64-mingw32.ini" ] && state=cached
  echo "prefix: $prefix ($state)"
  exit 0
fi

# A finished prefix appears at once (a rename), so it is looked for
# without the lock; building takes the lock, then looks again.
if [ -f "$prefix/share/pipecalc/cross-x86_64-w64-mingw32.ini" ]; then
  say "cached: $prefix"
  echo "$prefix" >&3
  exit 0
fi
mkdir -p "$cache/src"
exec 9>"$cache/.lock"
if ! flock -n 9; then
  say "another build of the prefix is running on $cache; waiting for it"
  flock 9
fi
if [ -f "$prefix/share/pipecalc/cross-x86_64-w64-mingw32.ini" ]; then
  say "built meanwhile: $prefix"
  echo "$prefix" >&3
  exit 0
fi

clean_stale
started=$(date +%s)
stage=$cache/stage
work=$cache/work.$$
cleanup() { rm -rf "$work" "$stage"; rm -f "$cache"/*.tmp-$$; rm -rf "$cache"/prefix-*.tmp-$$; }
trap cleanup EXIT
trap on_error ERR

# Every package the stage needs for PKG (what it is built on, and what
# those are built on), in build order.
closure() {
  local want=" $* " changed=true p d
  while $changed; do
    changed=false
    for p in $want; do
      for d in ${deps_of[$p]}; do
        case "$want" in *" $d "*) ;; *) want+="$d "; changed=true ;; esac
      done
    done
  done
  for p in "${packages[@]}"; do
    case "$want" in *" $p "*) echo "$p" ;; esac
  done
}

# A package that fails is reported at the end; the packages built on it
# are skipped, the others are still built (one run shows every failure).
built=0
failed=()
for pkg in "${packages[@]}"; do
  tarball=$cache/pkg-$pkg-${key[$pkg]}.tar
  if [ -f "$tarball" ]; then
    continue
  fi
  missing=""
  for dep in ${deps_of[$pkg]}; do
    [ -f "$cache/pkg-$dep-${key[$dep]}.tar" ] || missing+=" $dep"
  done
  if [ -n "$missing" ]; then
    say "$pkg: skipped, it is built on$missing"
    failed+=("$pkg")
    continue
  fi
  built=$((built + 1))
  rm -rf "$work" "$stage"
  mkdir -p "$work" "$stage"
  for dep in $(closure ${deps_of[$pkg]}); do
    tar -xf "$cache/pkg-$dep-${key[$dep]}.tar" -C "$stage"
  done
  step "$pkg ${version[$pkg]}"
  write_cross_file "$work/cross.ini" "$stage" ""
  dest=$work/dest
  mkdir -p "$dest$stage"
  # A background subshell keeps `set -e` (a subshell in a condition would
  # not); its status says whether the package built.
  (
    src=""
    case "${source_of[$pkg]}" in
      dpkg:*) ;;
      *) src=$(unpack_source "${source_of[$pkg]}" "${parts_of[$pkg]}" "$work/src") ;;
    esac
    eval "${recipe_text[$pkg]}"
    cd "$work"
    pkg_build
    finish_package "$dest$stage" "$pkg" "${version[$pkg]}" "${key[$pkg]}"
    tar -cf "$tarball.tmp-$$" -C "$dest$stage" .
    mv "$tarball.tmp-$$" "$tarball"
  ) >>"$step_log" 2>&1 &
  if wait $!; then
    rm -f "$cache/failed-$pkg.log"
    step_done
  else
    on_error
    say "$pkg FAILED after $(( $(date +%s) - step_started )) s (its log: $cache/failed-$pkg.log)"
    cp "$step_log" "$cache/failed-$pkg.log"
    failed+=("$pkg")
  fi
done
[ ${#failed[@]} -eq 0 ] || die "not built: ${failed[*]}"

step "assembling the prefix (runtime data, cross file)"
tmp=$cache/prefix-$final_key.tmp-$$
rm -rf "$tmp"
mkdir -p "$tmp"
for pkg in "${packages[@]}"; do
  tar -xf "$cache/pkg-$pkg-${key[$pkg]}.tar" -C "$tmp"
done
(. "$recipes/runtime.sh"; assemble_runtime "$tmp"; add_compiler_runtime "$tmp"; check_imports "$tmp"
 check_gtk_links "$tmp" "$work") >>"$step_log" 2>&1
for pc in glib-2.0 gio-2.0 gmodule-2.0 jansson muparser zlib gtk+-3.0; do
  PKG_CONFIG_LIBDIR=$tmp/lib/pkgconfig pkg-config --exists "$pc" \
    || die "the prefix has no working $pc.pc"
done
echo "$final_text" > "$tmp/share/pipecalc/versions.txt"
write_cross_file "$tmp/share/pipecalc/cross-x86_64-w64-mingw32.ini" "$prefix" \
  "exe_wrapper = ['wine']"
mv "$tmp" "$prefix"
step_done
rm -rf "$work" "$stage"
trap - EXIT
say "prefix ready in $(( $(date +%s) - started )) s ($built packages built, the others cached): $prefix"
echo "$prefix" >&3
