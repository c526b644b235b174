# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# cairo 1.16 with its win32 surface and fonts, PNG, PDF (GTK's print code
# includes cairo-pdf.h on Windows too), SVG (the graph's export), and
# cairo-gobject, which GTK requires; no X11, FreeType or fontconfig. The upstream tarball and its
# generated configure: Debian's patches make it want aclocal-1.15. Its
# -D_FORTIFY_SOURCE=2 needs libssp with mingw-w64 10 (__memcpy_chk):
# dropped. Only src/ and util/cairo-gobject/ are built (not the tests,
# the other utilities or the performance suite).
source=cairo/bookworm
parts=orig
deps="zlib libpng pixman glib"

pkg_build() {
  stage_env
  cd "$src"
  sed -i 's/ -Wp,-D_FORTIFY_SOURCE=2//' configure
  CPPFLAGS="-I$stage/include" LDFLAGS="-L$stage/lib" \
    run ./configure -q --host=$host --prefix="$stage" --enable-shared --disable-static \
    --enable-win32 --enable-win32-font --enable-png --enable-pdf --enable-svg \
    --disable-xlib --disable-xcb --disable-ft --disable-fc --disable-ps \
    --disable-script --disable-interpreter --disable-trace --enable-gobject \
    --disable-full-testing --disable-gtk-doc
  run make -s -C src -j"$jobs"
  run make -s -C util/cairo-gobject -j"$jobs"
  make -s -C src install DESTDIR="$dest"
  make -s -C util/cairo-gobject install DESTDIR="$dest"
}
