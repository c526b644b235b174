# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# zlib, ready-made: Debian's libz-mingw-w64-dev (its DLL, import library
# and headers), with a .pc file.
source=dpkg:libz-mingw-w64-dev
deps=

pkg_build() {
  local to=$dest$stage zversion
  mkdir -p "$to"/{bin,include,lib/pkgconfig}
  cp /usr/$host/include/zlib.h /usr/$host/include/zconf.h "$to/include/"
  cp /usr/$host/lib/libz.dll.a "$to/lib/"
  cp /usr/$host/lib/zlib1.dll "$to/bin/"
  zversion=$(sed -n 's/^#define ZLIB_VERSION "\(.*\)"/\1/p' /usr/$host/include/zlib.h)
  cat > "$to/lib/pkgconfig/zlib.pc" <<EOT
prefix=$stage
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: zlib
Description: zlib compression library
Version: $zversion
Libs: -L\${libdir} -lz
Cflags: -I\${includedir}
EOT
}
