# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# HarfBuzz (pango's shaping). Win32 pango needs the plain library only: no
# GLib, FreeType, cairo or ICU parts. The C++ runtime goes inside its DLL.
source=harfbuzz/bookworm
deps=

pkg_build() {
  meson_build -Dglib=disabled -Dgobject=disabled -Dcairo=disabled -Dchafa=disabled \
    -Dicu=disabled -Dgraphite=disabled -Dfreetype=disabled \
    -Dgdi=disabled -Ddirectwrite=disabled -Dcoretext=disabled \
    -Dtests=disabled -Dintrospection=disabled -Ddocs=disabled \
    -Dbenchmark=disabled -Dcpp_link_args="-static-libgcc -static-libstdc++"
}
