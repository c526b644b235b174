# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# libpng (cairo's PNG surfaces, gdk-pixbuf's PNG loader: GTK's icons).
source=libpng1.6/bookworm
deps=zlib

pkg_build() {
  cmake_build -DPNG_SHARED=ON -DPNG_STATIC=OFF -DPNG_TESTS=OFF -DPNG_EXECUTABLES=OFF \
    -DZLIB_ROOT="$stage" -DZLIB_INCLUDE_DIR="$stage/include" \
    -DZLIB_LIBRARY="$stage/lib/libz.dll.a"
}
