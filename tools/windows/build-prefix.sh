#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Builds, with mingw-w64, the Windows prefix pipecalc links against, from
# Debian's own source packages: libffi, pcre2, GLib/GIO, jansson, muparser;
# zlib comes ready-made from libz-mingw-w64-dev and libintl is the small
# non-translating stub in tools/windows/intl/. Everything is a DLL: the
# programs and the transport modules must share one GLib (one GType
# registry, one main context), which a static GLib per module would break;
# GLib is LGPL, so DLLs are also the simplest way to ship it.
#
# The prefix is cached outside the work tree, in
#   ${PIPECALC_WINDOWS_CACHE:-/var/cache/pipecalc-windows}/prefix-KEY
# where KEY hashes the source package versions, the compiler and zlib
# versions and this folder's files. It is built under a temporary name and
# renamed only when complete, so an interrupted build never looks done.
#
# Usage: tools/windows/build-prefix.sh [--print-prefix]
#   --print-prefix  print only the prefix path on stdout (progress goes to
#                   stderr), building the prefix first if it is missing.
# The prefix holds share/pipecalc/cross-x86_64-w64-mingw32.ini, the meson
# cross file for pipecalc (with exe_wrapper = wine).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${PIPECALC_WINDOWS_CACHE:-/var/cache/pipecalc-windows}
host=x86_64-w64-mingw32
sources=(libffi pcre2 glib2.0 jansson muparser)
jobs=${PIPECALC_WINDOWS_JOBS:-2}

print_prefix=false
case "${1:-}" in
  --print-prefix) print_prefix=true ;;
  "") ;;
  *) echo "usage: $0 [--print-prefix]" >&2; exit 2 ;;
esac

# With --print-prefix, stdout carries the path and nothing else.
exec 3>&1
if $print_prefix; then
  exec 1>&2
fi

say() { echo "build-prefix: $*"; }
die() { echo "build-prefix: error: $*" >&2; exit 1; }

# Every compiler run yields to the other work on the machine.
run() { nice -n 10 "$@"; }

for tool in $host-gcc $host-g++ $host-objdump meson ninja cmake pkg-config dpkg-source; do
  command -v "$tool" >/dev/null || die "$tool is missing (tools/install-deps.sh test installs it)"
done

source_version() {
  apt-cache showsrc "$1" 2>/dev/null | awk '/^Version:/ {print $2}' | sort -V | tail -n 1
}

# Debian's sources come from deb-src; add the entry when this machine has
# none (deb822 format, next to the deb entry it mirrors).
ensure_deb_src() {
  if [ -n "$(source_version glib2.0)" ]; then
    return
  fi
  [ "$(id -u)" -eq 0 ] || die "no deb-src entry for bookworm main, and adding one needs root"
  local list=/etc/apt/sources.list.d/pipecalc-deb-src.sources
  say "adding $list (deb-src, bookworm main) and running apt-get update"
  cat > "$list" <<'EOF'
# Added by pipecalc's tools/windows/build-prefix.sh: the Windows prefix is
# built from Debian's source packages.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get update -qq
  [ -n "$(source_version glib2.0)" ] || die "apt still knows no source for glib2.0 after adding $list"
}

ensure_deb_src

declare -A version
key_text=""
for pkg in "${sources[@]}"; do
  version[$pkg]=$(source_version "$pkg")
  [ -n "${version[$pkg]}" ] || die "apt knows no source package $pkg"
  key_text+="$pkg=${version[$pkg]} "
done
key_text+="gcc=$($host-gcc -dumpversion) "
key_text+="zlib=$(dpkg-query -W -f='${Version}' libz-mingw-w64-dev 2>/dev/null || echo none) "
key_text+="tools=$(cat "$here/build-prefix.sh" "$here/cross-x86_64-w64-mingw32.ini.in" \
  "$here"/intl/* | sha256sum | cut -c1-16)"
key=$(echo "$key_text" | sha256sum | cut -c1-16)
prefix=$cache/prefix-$key

if [ -f "$prefix/share/pipecalc/cross-x86_64-w64-mingw32.ini" ]; then
  say "cached: $prefix"
  echo "$prefix" >&3
  exit 0
fi

[ -f /usr/$host/lib/libz.dll.a ] || die "libz-mingw-w64-dev is missing"
mkdir -p "$cache/src"
say "building the Windows prefix for: $key_text"
say "the first build takes about 8 minutes on 2 cores (GLib about 6); later runs reuse $prefix"
started=$(date +%s)

# The temporary prefix is the install prefix while building; at the end
# every absolute path in the .pc files is made relative to the .pc file,
# so the renamed prefix works where it lands.
tmp=$cache/prefix-$key.tmp-$$
work=$cache/work-$key.$$
cleanup() { rm -rf "$tmp" "$work"; }
trap cleanup EXIT
mkdir -p "$tmp"/{bin,include,lib/pkgconfig,share/pipecalc} "$work"

# Each step's compiler output goes to its own log in the work folder;
# when a step fails, the end of that log is shown.
step_started=0
step_log=/dev/null
step() {
  step_started=$(date +%s)
  step_log=$work/step-$(date +%s%N).log
  say "$*"
}
step_done() { say "  done in $(( $(date +%s) - step_started )) s"; }
on_error() {
  if [ -s "$step_log" ]; then
    echo "build-prefix: the step failed; the end of its log:" >&2
    tail -n 40 "$step_log" >&2
  fi
}
trap on_error ERR

# cross file: OUT PREFIX EXE_WRAPPER_LINE
write_cross_file() {
  sed -e "s|@PREFIX@|$2|g" -e "s|@EXE_WRAPPER@|$3|" \
    "$here/cross-x86_64-w64-mingw32.ini.in" > "$1"
}
# The dependencies build without wine: meson uses the cross defaults
# instead of running test programs.
write_cross_file "$work/cross.ini" "$tmp" ""

step "fetching the source packages (apt-get source --download-only)"
for pkg in "${sources[@]}"; do
  dsc=$cache/src/${pkg}_${version[$pkg]#*:}.dsc
  if [ ! -f "$dsc" ]; then
    (cd "$cache/src" && apt-get source -qq --download-only "$pkg=${version[$pkg]}" 2>&1 \
      | grep -v 'unsandboxed' || true)
  fi
  [ -f "$dsc" ] || die "apt-get source did not fetch $dsc"
done
step_done

unpack() {
  local pkg=$1 dir=$work/$1
  dpkg-source -q --no-check -x "$cache/src/${pkg}_${version[$pkg]#*:}.dsc" "$dir" >/dev/null
  echo "$dir"
}

step "zlib from libz-mingw-w64-dev"
cp /usr/$host/include/zlib.h /usr/$host/include/zconf.h "$tmp/include/"
cp /usr/$host/lib/libz.dll.a "$tmp/lib/"
cp /usr/$host/lib/zlib1.dll "$tmp/bin/"
zversion=$(sed -n 's/^#define ZLIB_VERSION "\(.*\)"/\1/p' /usr/$host/include/zlib.h)
cat > "$tmp/lib/pkgconfig/zlib.pc" <<EOF
prefix=$tmp
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: zlib
Description: zlib compression library
Version: $zversion
Libs: -L\${libdir} -lz
Cflags: -I\${includedir}
EOF
step_done

step "libintl (non-translating stub)"
run $host-gcc -O2 -Wall -Werror -c "$here/intl/libintl.c" -o "$work/libintl.o" >>"$step_log" 2>&1
$host-ar rcs "$tmp/lib/libintl.a" "$work/libintl.o"
cp "$here/intl/libintl.h" "$tmp/include/"
step_done

autotools_build() {
  local dir=$1; shift
  (cd "$dir" && run ./configure -q --host=$host --prefix="$tmp" \
      --enable-shared --disable-static "$@" \
    && run make -s -j"$jobs" && make -s install) >>"$step_log" 2>&1
}

step "libffi ${version[libffi]}"
autotools_build "$(unpack libffi)" --disable-docs --disable-multi-os-directory
step_done

step "pcre2 ${version[pcre2]}"
autotools_build "$(unpack pcre2)" --disable-pcre2grep-libz --disable-pcre2grep-libbz2 \
  --disable-pcre2test-libreadline
step_done

step "GLib/GIO ${version[glib2.0]} (the long part)"
src=$(unpack glib2.0)
run meson setup "$work/glib-build" "$src" --cross-file "$work/cross.ini" \
  --prefix "$tmp" --libdir lib --buildtype release --wrap-mode nofallback \
  -Dtests=false -Dinstalled_tests=false -Dman=false -Dgtk_doc=false \
  -Dsysprof=disabled -Dselinux=disabled -Dxattr=false -Dlibmount=disabled \
  -Dnls=enabled -Dglib_debug=disabled >>"$step_log" 2>&1
run ninja -C "$work/glib-build" -j"$jobs" >>"$step_log" 2>&1
meson install -C "$work/glib-build" --quiet >>"$step_log" 2>&1
step_done

cmake_build() {
  local dir=$1; shift
  run cmake -S "$dir" -B "$dir/_build" -DCMAKE_SYSTEM_NAME=Windows \
    -DCMAKE_C_COMPILER=$host-gcc -DCMAKE_CXX_COMPILER=$host-g++ \
    -DCMAKE_RC_COMPILER=$host-windres -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$tmp" -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_FIND_ROOT_PATH="$tmp" "$@" >>"$step_log" 2>&1
  run cmake --build "$dir/_build" -j "$jobs" >>"$step_log" 2>&1
  cmake --install "$dir/_build" >>"$step_log" 2>&1
}

# jansson maps snprintf to the C runtime's _snprintf on every Windows
# compiler but MSVC, and that one rounds "%.17g" differently from glibc
# (356937579420253.125 gives ...13, not ...12), so the same number would
# travel as different bytes from Windows. mingw-w64's own C99 printf
# rounds as glibc does: drop the mapping and ask for it.
step "jansson ${version[jansson]}"
src=$(unpack jansson)
sed -i -e '/^#define snprintf  _snprintf$/d' -e '/^#define vsnprintf _vsnprintf$/d' \
  "$src/src/jansson_private.h"
cmake_build "$src" -DJANSSON_BUILD_SHARED_LIBS=ON -DJANSSON_EXAMPLES=OFF \
  -DJANSSON_BUILD_DOCS=OFF -DJANSSON_WITHOUT_TESTS=ON \
  -DCMAKE_C_FLAGS="-D__USE_MINGW_ANSI_STDIO=1"
step_done

# The C++ runtime goes inside muparser's DLL, so nothing else needs
# libstdc++-6.dll or libgcc_s_seh-1.dll.
step "muparser ${version[muparser]}"
cmake_build "$(unpack muparser)" -DBUILD_SHARED_LIBS=ON -DENABLE_SAMPLES=OFF \
  -DENABLE_OPENMP=OFF -DCMAKE_SHARED_LINKER_FLAGS="-static-libgcc -static-libstdc++"
step_done

# Relocatable .pc files; libtool archives would pin the temporary path.
find "$tmp" -name '*.la' -delete
sed -i "s|$tmp|\${pcfiledir}/../..|g" "$tmp"/lib/pkgconfig/*.pc
for pkg in glib-2.0 gio-2.0 gmodule-2.0 jansson muparser zlib; do
  PKG_CONFIG_LIBDIR=$tmp/lib/pkgconfig pkg-config --exists "$pkg" \
    || die "the prefix has no working $pkg.pc"
done
echo "$key_text" > "$tmp/share/pipecalc/versions.txt"
write_cross_file "$tmp/share/pipecalc/cross-x86_64-w64-mingw32.ini" "$prefix" \
  "exe_wrapper = ['wine']"

mv "$tmp" "$prefix"
trap - EXIT
rm -rf "$work"
say "prefix ready in $(( $(date +%s) - started )) s: $prefix"
echo "$prefix" >&3
