# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# GLib, GObject, GModule, GIO, with the real libintl.
source=glib2.0/bookworm
deps="zlib libintl libffi pcre2"

pkg_build() {
  meson_build -Dtests=false -Dinstalled_tests=false -Dman=false -Dgtk_doc=false \
    -Dsysprof=disabled -Dselinux=disabled -Dxattr=false -Dlibmount=disabled \
    -Dnls=enabled -Dglib_debug=disabled
}
