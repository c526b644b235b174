# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# jansson (JSON).
# jansson maps snprintf to the C runtime's _snprintf on every Windows
# compiler but MSVC, and that one rounds "%.17g" differently from glibc
# (356937579420253.125 gives ...13, not ...12), so the same number would
# travel as different bytes from Windows. mingw-w64's own C99 printf
# rounds as glibc does: drop the mapping and ask for it.
source=jansson/bookworm
deps=

pkg_build() {
  sed -i -e '/^#define snprintf  _snprintf$/d' -e '/^#define vsnprintf _vsnprintf$/d' \
    "$src/src/jansson_private.h"
  cmake_build -DJANSSON_BUILD_SHARED_LIBS=ON -DJANSSON_EXAMPLES=OFF \
    -DJANSSON_BUILD_DOCS=OFF -DJANSSON_WITHOUT_TESTS=ON \
    -DCMAKE_C_FLAGS="-D__USE_MINGW_ANSI_STDIO=1"
}
