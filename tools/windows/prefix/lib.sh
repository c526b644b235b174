# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Helpers of tools/windows/build-prefix.sh and of the package recipes in
# this folder. A recipe's pkg_build runs in a subshell with:
#   $src    the unpacked source (empty for ready-made Debian packages)
#   $stage  the install prefix; it holds the packages the recipe is built on
#   $dest   the DESTDIR to install into (files land in $dest$stage)
#   $work   a scratch folder; $work/cross.ini is the meson cross file
#   $jobs   parallel jobs; $host the target triplet
# Its output goes to the step's log.

say() { echo "build-prefix: $*"; }
die() { echo "build-prefix: error: $*" >&2; exit 1; }

# Every compiler run yields to the other work on the machine.
run() { nice -n 10 "$@"; }

# Each step's output goes to its own log; when a step fails, the end of
# that log is shown.
step_started=0
step_log=/dev/null
step() {
  step_started=$(date +%s)
  step_log=$work/step.log
  mkdir -p "$work"
  : > "$step_log"
  say "$*"
}
step_done() { say "  done in $(( $(date +%s) - step_started )) s"; }
on_error() {
  if [ -s "$step_log" ]; then
    echo "build-prefix: the step failed; the end of its log ($step_log):" >&2
    tail -n 40 "$step_log" >&2
  fi
}

# source_version PKG/SUITE | dpkg:PACKAGE: the version a recipe builds.
# The suite is explicit, so a deb-src entry for a newer suite (trixie, for
# atk) never changes what the bookworm packages resolve to.
source_version() {
  case "$1" in
    dpkg:*) dpkg-query -W -f='${Version}' "${1#dpkg:}" 2>/dev/null ;;
    *) (cd /tmp && apt-get source -qq --print-uris "$1" 2>/dev/null) \
         | awk '{print $2}' | sed -n 's/^[^_]*_\(.*\)\.dsc$/\1/p' ;;
  esac
}

# ensure_deb_src SUITE PACKAGE FILE: Debian's sources come from deb-src;
# add an entry for SUITE main (deb822, in its own file) when apt knows no
# source for PACKAGE in it.
ensure_deb_src() {
  local suite=$1 probe=$2 list=/etc/apt/sources.list.d/$3
  if [ -n "$(source_version "$probe/$suite")" ]; then
    return
  fi
  [ ! -e "$list" ] || die "$list exists, yet apt knows no source for $probe/$suite (apt-get update?)"
  [ "$(id -u)" -eq 0 ] || die "no deb-src entry for $suite main, and adding one needs root"
  say "adding $list (deb-src, $suite main) and running apt-get update"
  cat > "$list" <<EOT
# Added by pipecalc's tools/windows/build-prefix.sh: the Windows prefix is
# built from Debian's source packages (each recipe names its suite).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
  apt-get update -qq
  [ -n "$(source_version "$probe/$suite")" ] || die "apt still knows no source for $probe/$suite after adding $list"
}

# fetch_source PKG/SUITE PARTS: downloads into $cache/src the files of the
# source package as the suite's Sources index names them (apt has checked
# that index against the suite's signed Release file) and checks each
# file's SHA-256 against the index; apt-get source itself would stop at
# files the mirror no longer serves (at-spi2-core's .dsc, pixman's and
# libepoxy's Debian parts). PARTS is "all" (the .dsc, the orig tarballs
# and the Debian changes) or "orig" (the upstream tarballs only). Prints
# the names of the files, one a line.
fetch_source() {
  local spec=$1 parts=$2 dir=$cache/src url file size sum got uris
  uris=$(cd /tmp && apt-get source -qq --print-uris "$spec" 2>/dev/null) || uris=""
  [ -n "$uris" ] || die "apt knows no source package $spec"
  while read -r url file size sum; do
    url=${url//\'/}
    case "$file" in
      *.asc) continue ;;
      *.orig.tar.*|*.orig-*.tar.*) ;;
      *) [ "$parts" = all ] || continue ;;
    esac
    sum=${sum#SHA256:}
    if [ ! -f "$dir/$file" ] || [ "$(sha256sum < "$dir/$file" | cut -d' ' -f1)" != "$sum" ]; then
      curl -fsSL --retry 3 -o "$dir/$file.part" "$url" || die "could not download $url"
      got=$(sha256sum < "$dir/$file.part" | cut -d' ' -f1)
      if [ "$got" != "$sum" ]; then
        rm -f "$dir/$file.part"
        die "$file: SHA-256 $got, but the Sources index says $sum"
      fi
      mv "$dir/$file.part" "$dir/$file"
    fi
    echo "$file"
  done <<< "$uris"
}

# unpack_source PKG/SUITE PARTS DIR: the source tree in DIR (with Debian's
# patches applied for "all"); prints DIR.
unpack_source() {
  local files f
  files=$(fetch_source "$1" "$2")
  if [ "$2" = all ]; then
    f=$(grep '\.dsc$' <<< "$files")
    dpkg-source -q --no-check -x "$cache/src/$f" "$3" >/dev/null
  else
    f=$(grep '\.orig\.tar\.' <<< "$files")
    mkdir -p "$3"
    tar -xf "$cache/src/$f" -C "$3" --strip-components=1
  fi
  echo "$3"
}

# write_cross_file OUT PREFIX EXE_WRAPPER_LINE
write_cross_file() {
  sed -e "s|@PREFIX@|$2|g" -e "s|@EXE_WRAPPER@|$3|" \
    "$here/cross-x86_64-w64-mingw32.ini.in" > "$1"
}

# finish_package DIR PKG VERSION KEY: what a package's tarball holds:
# no libtool archives (they pin the staging path) and no documentation;
# .pc files relative to themselves, so the tarball works wherever it is
# unpacked; a note of what was built and how long it took.
finish_package() {
  local dir=$1
  find "$dir" -name '*.la' -delete
  rm -rf "$dir/share/doc" "$dir/share/man" "$dir/share/info" "$dir/share/gtk-doc"
  local pc
  for pc in "$dir"/lib/pkgconfig/*.pc "$dir"/share/pkgconfig/*.pc; do
    [ -f "$pc" ] || continue
    sed -i "s|$stage|\${pcfiledir}/../..|g" "$pc"
  done
  mkdir -p "$dir/share/pipecalc/packages"
  echo "$2 $3 key=$4 seconds=$(( $(date +%s) - step_started ))" \
    > "$dir/share/pipecalc/packages/$2.txt"
}

# The build helpers find the staging prefix's packages only.
stage_env() {
  PKG_CONFIG_LIBDIR=$stage/lib/pkgconfig:$stage/share/pkgconfig
  export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH=
}

# meson_build [MESON_SETUP_OPTIONS...]: $src with meson, into $dest.
meson_build() {
  stage_env
  run meson setup "$work/build" "$src" --cross-file "$work/cross.ini" \
    --prefix "$stage" --libdir lib --buildtype release --wrap-mode nofallback \
    --default-library shared "$@"
  run ninja -C "$work/build" -j"$jobs"
  meson install -C "$work/build" --destdir "$dest" --quiet
}

# autotools_build [CONFIGURE_OPTIONS...]: $src with its generated
# configure script (none is regenerated), into $dest.
autotools_build() {
  stage_env
  (cd "$src" && CPPFLAGS="-I$stage/include" LDFLAGS="-L$stage/lib" \
      run ./configure -q --host=$host --prefix="$stage" \
      --enable-shared --disable-static "$@" \
    && run make -s -j"$jobs" && make -s install DESTDIR="$dest")
}

# cmake_build [CMAKE_OPTIONS...]: $src with cmake, into $dest.
cmake_build() {
  stage_env
  run cmake -S "$src" -B "$work/build" -DCMAKE_SYSTEM_NAME=Windows \
    -DCMAKE_C_COMPILER=$host-gcc -DCMAKE_CXX_COMPILER=$host-g++ \
    -DCMAKE_RC_COMPILER=$host-windres -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$stage" -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_FIND_ROOT_PATH="$stage" -DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER \
    -DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY -DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY \
    -DCMAKE_FIND_ROOT_PATH_MODE_PACKAGE=ONLY "$@"
  run cmake --build "$work/build" -j "$jobs"
  DESTDIR=$dest cmake --install "$work/build"
}

# clean_stale: removes what interrupted builds left in $cache (temporary
# tarballs, prefixes and work folders whose build process is gone; their
# names end with its PID). Complete prefixes and tarballs stay: another
# branch's script may still name them (delete them by hand when no
# checkout needs them; the next build makes what it misses).
clean_stale() {
  local f pid
  for f in "$cache"/*.tmp-* "$cache"/work.* "$cache"/work-*.*; do
    [ -e "$f" ] || continue
    pid=${f##*[.-]}
    case "$pid" in ''|*[!0-9]*) continue ;; esac
    if ! kill -0 "$pid" 2>/dev/null; then
      say "removing $f (left by an interrupted build)"
      rm -rf "$f"
    fi
  done
}

# source_versions_of ARRAY SPEC...: ARRAY[SPEC] is the version of each
# SPEC (PKG/SUITE or dpkg:PACKAGE), with one apt-get call for them all.
source_versions_of() {
  local -n out=$1
  shift
  local spec specs=() file name
  for spec in "$@"; do
    case "$spec" in
      dpkg:*) out[$spec]=$(source_version "$spec") ;;
      *) specs+=("$spec") ;;
    esac
  done
  [ ${#specs[@]} -gt 0 ] || return 0
  while read -r file; do
    name=${file%%_*}
    for spec in "${specs[@]}"; do
      if [ "${spec%/*}" = "$name" ]; then
        out[$spec]=$(sed 's/^[^_]*_\(.*\)\.dsc$/\1/' <<< "$file")
      fi
    done
  done < <(cd /tmp && apt-get source -qq --print-uris "${specs[@]}" 2>/dev/null \
             | awk '$2 ~ /\.dsc$/ {print $2}')
}
