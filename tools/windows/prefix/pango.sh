# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# pango with its win32 font backend and cairo.
source=pango1.0/bookworm
deps="glib harfbuzz fribidi cairo"

pkg_build() {
  meson_build -Dintrospection=disabled -Dgtk_doc=false -Dinstall-tests=false \
    -Dfontconfig=disabled -Dfreetype=disabled -Dxft=disabled -Dlibthai=disabled \
    -Dsysprof=disabled -Dcairo=enabled
}
