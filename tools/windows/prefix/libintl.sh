# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# libintl, the real one: gettext's gettext-runtime/intl only (the tools,
# libasprintf and the rest are not needed). Its upstream tarball: Debian's
# patches touch the autotools files, which would want them regenerated.
# No iconv on Windows: the .mo files are UTF-8 and GLib and GTK ask for
# UTF-8, so libintl returns the strings as they are.
source=gettext/bookworm
parts=orig
deps=

pkg_build() {
  stage_env
  cd "$src/gettext-runtime"
  run ./configure -q --host=$host --prefix="$stage" --enable-shared --disable-static \
    --disable-java --disable-csharp --disable-libasprintf --disable-c++ \
    --enable-threads=windows --without-libiconv-prefix --disable-rpath
  run make -s -C intl -j"$jobs"
  make -s -C intl install DESTDIR="$dest"
}
